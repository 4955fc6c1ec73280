"""Customer links: which e-conomic card each of our customers is, found by the search page or
linked in bulk where e-conomic has exactly one suggestion."""

from __future__ import annotations

from itertools import groupby

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts_app.admin.widgets import KeyBoundedAutocompleteMixin
from accounts_app.models import Customer
from integration.models import Connection, CustomerLink
from integration.models.mappings import CustomerLinkState
from integration.services.mappings import (
    LinkRefused,
    customer_link,
    customer_mark_create,
    customers_link_suggested,
    customers_search,
    remote_customers_search,
    suggested_links_summary,
)


def find_url(*, connection: Connection | None = None, customer: Customer | None = None) -> str:
    query = {"connection": connection.pk if connection else None,
             "customer": customer.pk if customer else None}  # fmt: skip
    query = urlencode({key: value for key, value in query.items() if value is not None})
    return reverse("admin:integration_customerlink_find") + (f"?{query}" if query else "")


def _chosen(model, value: str | None, default=None):
    """The row a page's parameter names; 404 (not a server error) for one that is no id."""
    if not value:
        return default
    found = model.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if found is None:
        raise Http404(_("No %(kind)s %(id)s.") % {"kind": model._meta.verbose_name, "id": value})
    return found


@admin.register(CustomerLink)
class CustomerLinkAdmin(KeyBoundedAutocompleteMixin, admin.ModelAdmin):
    """Links are checked by the model's constraints: one card never stands for two customers."""

    list_display = [
        "customer",
        "state",
        "remote_number",
        "candidates",
        "matched_by",
        "connection",
        "updated_at",
        "find_link",
    ]
    list_filter = ["connection", "state", "matched_by"]
    search_fields = ["customer__name", "customer__number", "remote_number"]
    list_select_related = ["customer", "connection"]
    autocomplete_fields = ["customer"]
    readonly_fields = ["candidates", "matched_by", "updated_at"]
    actions = ["link_suggested", "mark_create"]

    def save_model(self, request, obj, form, change):
        obj.matched_by = "person"
        if obj.state == CustomerLinkState.LINKED:
            obj.candidates = []
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        extra = {"find_url": find_url()} if self.has_change_permission(request) else {}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    @admin.action(
        description=gettext_lazy("Link suggested: each one e-conomic has exactly one match for"),
        permissions=["change"],
    )
    def link_suggested(self, request, queryset):
        links = queryset.select_related("connection", "customer").order_by(
            "connection__name", "connection_id", "customer__name"
        )
        for _connection_id, group in groupby(links, key=lambda link: link.connection_id):
            group = list(group)
            result = customers_link_suggested(
                connection=group[0].connection, customers=[link.customer for link in group]
            )
            level = messages.SUCCESS if result.linked else messages.WARNING
            self.message_user(request, f"{group[0].connection}: {suggested_links_summary(result)}",
                              level)  # fmt: skip

    @admin.action(
        description=gettext_lazy("Create these customers in e-conomic on export"),
        permissions=["change"],
    )
    def mark_create(self, request, queryset):
        links = list(queryset.select_related("connection", "customer"))
        for link in links:
            customer_mark_create(connection=link.connection, customer=link.customer)
        self.message_user(request, _("%(count)s customers will be created on export.")
                          % {"count": len(links)})  # fmt: skip

    @admin.display(description=gettext_lazy("Find in e-conomic"))
    def find_link(self, link: CustomerLink) -> str:
        return format_html('<a href="{}">{}</a>',
                           find_url(connection=link.connection, customer=link.customer),
                           _("Search…"))  # fmt: skip

    def get_urls(self):
        view = self.admin_site.admin_view(self.find_view)
        return [path("find/", view, name="integration_customerlink_find")] + super().get_urls()

    def find_view(self, request):
        """Search the cached e-conomic customers by number, name, CVR or e-mail and link one;
        without a customer chosen, first find ours."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        first = Connection.objects.order_by("-active", "name").first()
        connection = _chosen(Connection, source.get("connection"), first)
        customer = _chosen(Customer, source.get("customer"))
        if connection is None:
            self.message_user(request, _("Connect to e-conomic first."), messages.ERROR)
            return redirect("admin:integration_customerlink_changelist")
        if request.method == "POST" and customer is not None:
            return self._link_chosen(request, connection, customer)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "connection": connection, "customer": customer,
            "connections": Connection.objects.order_by("-active", "name"),
        }  # fmt: skip
        context.update(self._customer_context(request, connection, customer) if customer
                       else self._ours_context(request, connection))  # fmt: skip
        return TemplateResponse(request, "admin/integration/customerlink/find.html", context)

    def _ours_context(self, request, connection) -> dict:
        query = request.GET.get("q", "").strip()
        found = customers_search(query=query) if query else []
        return {
            "title": _("Find a customer in e-conomic"), "query": query,
            "ours": [(customer, find_url(connection=connection, customer=customer))
                     for customer in found],
        }  # fmt: skip

    def _customer_context(self, request, connection, customer) -> dict:
        query = request.GET.get("q") or customer.vat_number or customer.name
        return {
            "title": _("Find %(customer)s in e-conomic") % {"customer": customer},
            "link": CustomerLink.objects.filter(connection=connection, customer=customer).first(),
            "query": query,
            "results": remote_customers_search(connection=connection, query=query),
        }  # fmt: skip

    def _link_chosen(self, request, connection, customer):
        try:
            customer_link(connection=connection, customer=customer,
                          remote_number=int(request.POST["remote_number"]))  # fmt: skip
        except (LinkRefused, KeyError, ValueError) as error:
            refused = error if isinstance(error, LinkRefused) else ""
            self.message_user(request, str(refused) or _("Choose a customer to link."),
                              messages.ERROR)  # fmt: skip
        else:
            self.message_user(request, _(
                "%(customer)s is linked to e-conomic customer %(number)s."
            ) % {"customer": customer, "number": request.POST["remote_number"]},
                messages.SUCCESS)  # fmt: skip
        return redirect("admin:integration_customerlink_changelist")

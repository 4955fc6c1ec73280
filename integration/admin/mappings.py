from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from accounts_app.admin.widgets import KeyBoundedAutocompleteMixin
from accounts_app.models import Customer
from integration.admin.mapping_grids import MappingGridAdminMixin
from integration.models import (
    Connection,
    CustomerLink,
    PaymentConditionPairing,
    RemoteKind,
    RemoteRecord,
    SalesAccountMapping,
    ServiceTypeMapping,
    VatCodePairing,
)
from integration.models.mappings import CustomerLinkState
from integration.services.mappings import (
    LinkRefused,
    customer_link,
    customer_mark_create,
    remote_customers_search,
)


@admin.register(ServiceTypeMapping)
class ServiceTypeMappingAdmin(MappingGridAdminMixin, KeyBoundedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["service_type", "product", "connection"]
    list_filter = ["connection"]
    search_fields = ["service_type__name", "product__name", "product__number"]
    autocomplete_fields = ["product"]
    list_select_related = ["service_type", "product", "connection"]


@admin.register(VatCodePairing)
class VatCodePairingAdmin(MappingGridAdminMixin, KeyBoundedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["vat_code", "vat_account", "connection"]
    list_filter = ["connection"]
    autocomplete_fields = ["vat_account"]
    list_select_related = ["vat_code", "vat_account", "connection"]


@admin.register(PaymentConditionPairing)
class PaymentConditionPairingAdmin(
    MappingGridAdminMixin, KeyBoundedAutocompleteMixin, admin.ModelAdmin
):
    list_display = ["payment_condition", "payment_terms", "chosen_by_person", "connection"]
    list_filter = ["connection", "chosen_by_person"]
    autocomplete_fields = ["payment_terms"]
    list_select_related = ["payment_condition", "payment_terms", "connection"]

    def save_model(self, request, obj, form, change):
        # A person's choice by name is kept by every later automatic pairing.
        obj.chosen_by_person = True
        super().save_model(request, obj, form, change)


@admin.register(SalesAccountMapping)
class SalesAccountMappingAdmin(MappingGridAdminMixin, admin.ModelAdmin):
    """Lists each mapping with whether its product group exists in e-conomic, so the groups to
    create there stand out."""

    list_display = ["sales_account", "product_group_number", "group_in_economic", "connection"]
    list_filter = ["connection"]
    list_select_related = ["sales_account", "connection"]

    def get_queryset(self, request):
        groups = RemoteRecord.objects.filter(
            connection=OuterRef("connection"),
            kind=RemoteKind.PRODUCT_GROUP,
            present=True,
            number=Cast(OuterRef("product_group_number"), CharField()),
        )
        return super().get_queryset(request).annotate(group_exists=Exists(groups))

    @admin.display(description="In e-conomic", boolean=True, ordering="group_exists")
    def group_in_economic(self, mapping) -> bool:
        return mapping.group_exists


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
    actions = ["mark_create"]

    def save_model(self, request, obj, form, change):
        obj.matched_by = "person"
        if obj.state == CustomerLinkState.LINKED:
            obj.candidates = []
        super().save_model(request, obj, form, change)

    @admin.action(
        description="Create these customers in e-conomic on export", permissions=["change"]
    )
    def mark_create(self, request, queryset):
        links = list(queryset.select_related("connection", "customer"))
        for link in links:
            customer_mark_create(connection=link.connection, customer=link.customer)
        self.message_user(request, f"{len(links)} customers will be created on export.")

    @admin.display(description="Find in e-conomic")
    def find_link(self, link: CustomerLink) -> str:
        query = urlencode({"connection": link.connection_id, "customer": link.customer_id})
        url = f"{reverse('admin:integration_customerlink_find')}?{query}"
        return format_html('<a href="{}">Search…</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view(self.find_view)
        return [path("find/", view, name="integration_customerlink_find")] + super().get_urls()

    def find_view(self, request):
        """Search the cached e-conomic customers by number, name, CVR or e-mail and link one."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        connection = get_object_or_404(Connection, pk=source.get("connection"))
        customer = get_object_or_404(Customer, pk=source.get("customer"))
        if request.method == "POST":
            return self._link_chosen(request, connection, customer)
        link = CustomerLink.objects.filter(connection=connection, customer=customer).first()
        query = request.GET.get("q") or customer.vat_number or customer.name
        context = {
            **self.admin_site.each_context(request),
            "title": f"Find {customer} in e-conomic",
            "opts": self.model._meta,
            "connection": connection,
            "customer": customer,
            "link": link,
            "query": query,
            "results": remote_customers_search(connection=connection, query=query),
        }
        return TemplateResponse(request, "admin/integration/customerlink/find.html", context)

    def _link_chosen(self, request, connection, customer):
        try:
            customer_link(connection=connection, customer=customer,
                          remote_number=int(request.POST["remote_number"]))
        except (LinkRefused, KeyError, ValueError) as error:
            self.message_user(request, str(error) or "Choose a customer to link.", messages.ERROR)
        else:
            self.message_user(request, f"{customer} is linked to e-conomic customer "
                              f"{request.POST['remote_number']}.", messages.SUCCESS)
        return redirect("admin:integration_customerlink_changelist")

from __future__ import annotations

import copy

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from integration.admin.connect import ConnectWithEconomic
from integration.admin.forms import ConnectionForm
from integration.crypto import UnreadableSecret
from integration.economic.errors import EconomicError
from integration.models import Connection, RemoteKind
from integration.services.budget import budget_usage
from integration.services.connections import ConnectionNotReady, connection_client, connection_test
from integration.services.enqueue import reconcile_task_enqueue
from integration.services.mappings import customers_auto_match, payment_conditions_pair
from integration.services.payments import (
    payment_webhook_state,
    payment_webhook_urls,
    webhook_deliveries_described,
)
from integration.services.reconcile import findings_open_counts
from integration.services.reference import reference_refresh
from integration.services.setup_check import setup_check


@admin.register(Connection)
class ConnectionAdmin(ConnectWithEconomic, admin.ModelAdmin):
    form = ConnectionForm
    list_display = [
        "name",
        "endpoint",
        "agreement_number",
        "company_name",
        "export_method",
        "payment_sync",
        "token_status",
        "tested_at",
        "setup_check_link",
        "findings_link",
        "active",
    ]
    list_filter = ["active", "endpoint", "export_method", "payment_sync"]
    search_fields = ["name", "company_name", "agreement_number"]
    readonly_fields = [
        "token_status",
        "agreement_number",
        "company_name",
        "base_currency",
        "module_names",
        "role_names",
        "tested_at",
        "test_error",
        "reference_refreshed_at",
        "vat_rounding",
        "calls_today",
        "created_at",
        "webhook_state",
        "webhook_deliveries",
    ]
    actions = [
        "test_connection",
        "refresh_reference_data",
        "pair_payment_conditions",
        "auto_match_customers",
        "create_webhook_urls",
        "reconcile_now",
    ]
    fieldsets = [
        (None, {"fields": ["name", "endpoint", "new_grant_token", "active"]}),
        (
            gettext_lazy("Agreement (read by Test connection)"),
            {
                "fields": [
                    "agreement_number",
                    "company_name",
                    "base_currency",
                    "module_names",
                    "role_names",
                    "tested_at",
                    "test_error",
                    "reference_refreshed_at",
                    "vat_rounding",
                    "calls_today",
                ]
            },
        ),
        (
            gettext_lazy("Export"),
            {
                "fields": [
                    "export_method",
                    "voucher_journal_number",
                    "number_policy",
                    "include_pdf",
                    "book_vouchers",
                    "push_on_change",
                    "sync_projects",
                    "field_policy",
                    "error_email",
                ]
            },
        ),
        (gettext_lazy("Payments"), {"fields": ["payment_sync", "payments_since", "webhook_state",
                                 "webhook_deliveries"]}),  # fmt: skip
        (
            gettext_lazy("Defaults in e-conomic"),
            {
                "fields": [
                    "default_product_number",
                    "default_layout_number",
                    "default_payment_terms_number",
                    "default_vat_zone_number",
                    "default_customer_group_number",
                    "private_customer_number",
                ]
            },
        ),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("new_grant_token")
        if field is None or obj is None or not obj.grant_token:
            return form
        # A copy: the declared field is shared by every form class the admin makes.
        field = form.base_fields["new_grant_token"] = copy.deepcopy(field)
        if isinstance(obj.grant_token, UnreadableSecret):
            field.help_text = _("The stored token is unreadable: %(reason)s") % {
                "reason": obj.grant_token.reason
            }
        else:
            field.help_text = _(
                "A token is stored, encrypted; it is never shown. Paste a new one "
                "to replace it, or leave the field empty to keep it."
            )
        return form

    @admin.display(description=gettext_lazy("Modules"))
    def module_names(self, connection: Connection) -> str:
        names = [f"{module['name']} ({module['number']})" for module in connection.modules]
        return ", ".join(names) or "-"

    @admin.display(description=gettext_lazy("App roles"))
    def role_names(self, connection: Connection) -> str:
        return ", ".join(connection.required_roles) or "-"

    @admin.display(description=gettext_lazy("API calls today (UTC)"))
    def calls_today(self, connection: Connection) -> str:
        return str(budget_usage(connection=connection)) if connection.pk else "-"

    @admin.display(description=gettext_lazy("Grant token"))
    def token_status(self, connection: Connection) -> str:
        # Never the token itself, not even a part of it.
        if isinstance(connection.grant_token, UnreadableSecret):
            return format_html(
                "<strong>{}</strong>: {}", _("unreadable"), connection.grant_token.reason
            )
        if connection.pk and connection.grant_token:
            return format_html(
                "<span title='{}'>●●●●●●●● {}</span>", _("stored encrypted"), _("stored")
            )
        return _("not set")

    # The token field is write-only, and an error page (DEBUG) must not show it either.
    @method_decorator(sensitive_post_parameters("new_grant_token"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(
        description=gettext_lazy("Test connection (read the agreement from e-conomic)"),
        permissions=["change"],
    )
    def test_connection(self, request, queryset):
        for connection in queryset:
            if connection_test(connection=connection):
                self.message_user(
                    request,
                    _("%(connection)s: connected to agreement %(agreement)s (%(company)s).")
                    % {
                        "connection": connection,
                        "agreement": connection.agreement_number,
                        "company": connection.company_name,
                    },
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, f"{connection}: {connection.test_error}", messages.ERROR)

    @admin.action(
        description=gettext_lazy("Refresh reference data from e-conomic"), permissions=["view"]
    )
    def refresh_reference_data(self, request, queryset):
        for connection in queryset:
            try:
                client = connection_client(connection=connection, purpose="reference refresh")
                result = reference_refresh(connection=connection, client=client)
            except (EconomicError, ConnectionNotReady) as error:
                self.message_user(request, f"{connection}: {error}", messages.ERROR)
                continue
            counts = ", ".join(
                _counted(count, RemoteKind(kind)) for kind, count in result.counts.items()
            )
            said = ngettext(
                "%(connection)s: read %(counts)s in %(calls)d call.",
                "%(connection)s: read %(counts)s in %(calls)d calls.",
                result.api_calls,
            )
            self.message_user(
                request,
                said % {"connection": connection, "counts": counts, "calls": result.api_calls},
                messages.SUCCESS,
            )

    @admin.action(
        description=gettext_lazy("Pair payment conditions by days and type"),
        permissions=["view"],
    )
    def pair_payment_conditions(self, request, queryset):
        for connection in queryset:
            counts = payment_conditions_pair(connection=connection)
            self.message_user(
                request,
                _(
                    "%(connection)s: %(paired)d paired, %(unmatched)d without matching terms, "
                    "%(kept)d chosen by a person kept."
                )
                % {"connection": connection, **counts},
            )

    @admin.action(
        description=gettext_lazy("Auto-match customers (CVR, then e-mail, then name)"),
        permissions=["view"],
    )
    def auto_match_customers(self, request, queryset):
        for connection in queryset:
            result = customers_auto_match(connection=connection)
            self.message_user(
                request,
                _(
                    "%(connection)s: %(linked)d linked, %(ambiguous)d with several candidates "
                    "for a person to decide, %(unmatched)d without a match, %(taken)d whose "
                    "only match is linked to another customer."
                )
                % {
                    "connection": connection,
                    "linked": result.linked,
                    "ambiguous": result.ambiguous,
                    "unmatched": result.unmatched,
                    "taken": result.taken,
                },
            )

    @admin.action(
        description=gettext_lazy("Create webhook URLs for payments (after a confirmation)"),
        permissions=["change"],
    )
    def create_webhook_urls(self, request, queryset):
        """First a confirmation (the current URLs then work 24 hours more), then the new URLs on a
        page of their own (the admin marks it no-store), once, and never put in a message:
        messages travel in a cookie, and the URL carries the webhook's secret."""
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        if request.POST.get("confirmed") != "yes":
            context.update(title=_("Replace the webhook URLs?"), connections=list(queryset))
            return TemplateResponse(
                request, "admin/integration/connection/webhooks_confirm.html", context
            )
        site_url = request.build_absolute_uri("/")
        context.update(title=_("Webhook URLs for e-conomic"), connections=[
            (connection, payment_webhook_urls(connection=connection, site_url=site_url))
            for connection in queryset
        ])  # fmt: skip
        return TemplateResponse(request, "admin/integration/connection/webhooks.html", context)

    @admin.display(description=gettext_lazy("Webhook URLs"))
    def webhook_state(self, connection: Connection) -> str:
        # When the URLs were made and until when replaced ones work; never a secret.
        return _lines(payment_webhook_state(connection=connection))

    @admin.display(description=gettext_lazy("Last webhook delivery per event"))
    def webhook_deliveries(self, connection: Connection) -> str:
        return _lines(webhook_deliveries_described(connection=connection))

    @admin.action(description=gettext_lazy("Reconcile with e-conomic now"), permissions=["view"])
    def reconcile_now(self, request, queryset):
        """Queued, so the page does not wait for e-conomic; the findings list shows the result."""
        for connection in queryset:
            reconcile_task_enqueue(connection_id=connection.pk)
        findings = reverse("admin:integration_reconcilefinding_changelist")
        count = queryset.count()
        said = ngettext(
            "Reconciliation queued for %(count)d connection; its findings appear %(link)s.",
            "Reconciliation queued for %(count)d connections; its findings appear %(link)s.",
            count,
        )
        link = format_html('<a href="{}">{}</a>', findings, _("here"))
        # The sentence is escaped before the (already safe) link goes in.
        self.message_user(request, mark_safe(escape(said) % {"count": count, "link": link}))

    @admin.display(description=gettext_lazy("Reconciliation"))
    def findings_link(self, connection: Connection) -> str:
        """The connection's open findings, linked to their list (where each fix is a click)."""
        count = findings_open_counts().get(connection.pk, 0)
        url = reverse("admin:integration_reconcilefinding_changelist")
        label = ngettext("%(count)d open finding", "%(count)d open findings", count)
        return format_html('<a href="{}?connection__id__exact={}">{}</a>', url, connection.pk,
                           label % {"count": count})  # fmt: skip

    @admin.display(description=gettext_lazy("Setup check"))
    def setup_check_link(self, connection: Connection) -> str:
        url = reverse("admin:integration_connection_setup_check", args=[connection.pk])
        return format_html('<a href="{}">{}</a>', url, _("Setup check"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.setup_check_view)
        return [
            path("<int:pk>/setup-check/", view, name="integration_connection_setup_check"),
        ] + super().get_urls()

    def setup_check_view(self, request, pk: int):
        connection = get_object_or_404(Connection, pk=pk)
        if not self.has_view_permission(request, connection):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Setup check: %(connection)s") % {"connection": connection},
            "opts": self.model._meta,
            "original": connection,
            "report": setup_check(connection=connection),
        }
        return TemplateResponse(request, "admin/integration/connection/setup_check.html", context)


def _lines(lines: list[str]) -> str:
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "-"


# "1 VAT zone", "4 VAT zones": each kind counted as a person reads it.
_COUNTED = {
    RemoteKind.CUSTOMER: ngettext_lazy("%(count)d customer", "%(count)d customers", "count"),
    RemoteKind.PRODUCT: ngettext_lazy("%(count)d product", "%(count)d products", "count"),
    RemoteKind.PRODUCT_GROUP: ngettext_lazy(
        "%(count)d product group", "%(count)d product groups", "count"
    ),
    RemoteKind.LAYOUT: ngettext_lazy("%(count)d layout", "%(count)d layouts", "count"),
    RemoteKind.PAYMENT_TERMS: ngettext_lazy(
        "%(count)d payment terms", "%(count)d payment terms", "count"
    ),
    RemoteKind.VAT_ZONE: ngettext_lazy("%(count)d VAT zone", "%(count)d VAT zones", "count"),
    RemoteKind.VAT_ACCOUNT: ngettext_lazy(
        "%(count)d VAT account", "%(count)d VAT accounts", "count"
    ),
    RemoteKind.ACCOUNT: ngettext_lazy("%(count)d account", "%(count)d accounts", "count"),
    RemoteKind.CUSTOMER_GROUP: ngettext_lazy(
        "%(count)d customer group", "%(count)d customer groups", "count"
    ),
    RemoteKind.JOURNAL: ngettext_lazy("%(count)d journal", "%(count)d journals", "count"),
    RemoteKind.ACCOUNTING_YEAR: ngettext_lazy(
        "%(count)d accounting year", "%(count)d accounting years", "count"
    ),
    RemoteKind.UNIT: ngettext_lazy("%(count)d unit", "%(count)d units", "count"),
    RemoteKind.CURRENCY: ngettext_lazy("%(count)d currency", "%(count)d currencies", "count"),
}


def _counted(count: int, kind: RemoteKind) -> str:
    return _COUNTED[kind] % {"count": count}

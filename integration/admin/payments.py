"""Payments from e-conomic: the import log, the synced payments, "Import payments now", and
the inline of synced payments that integration/admin/invoices.py puts on the invoice page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from accounts_app.admin.readonly import ReadOnlyAdminMixin
from integration.models import (
    Connection,
    ImportState,
    ImportTrigger,
    PaymentChange,
    PaymentImport,
    SyncedPayment,
)
from integration.models.connection import PaymentSync
from integration.services.payments import payments_import_queue


class ImportOutcomeFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("ok", "OK"), ("error", "Error")]

    def queryset(self, request, queryset):
        if self.value() == "ok":
            return queryset.filter(state=ImportState.DONE)
        if self.value() == "error":
            return queryset.filter(state=ImportState.FAILED)
        return queryset


@admin.register(PaymentImport)
class PaymentImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started", "connection", "trigger", "state", "checked", "paid", "partial",
                    "reversed", "unchanged", "skipped", "api_calls", "duration"]  # fmt: skip
    list_filter = [ImportOutcomeFilter, "state", "trigger", "connection"]
    list_select_related = ["connection"]
    date_hierarchy = "started"
    change_list_template = "admin/integration/paymentimport/change_list.html"

    @admin.display(description="Duration")
    def duration(self, run: PaymentImport) -> str:
        if run.finished is None:
            return "—"
        return f"{(run.finished - run.started).total_seconds():.1f} s"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_now"
        view = self.admin_site.admin_view(self.import_now_view)
        return [path("import/<int:connection_id>/", view, name=name), *super().get_urls()]

    def import_now_view(self, request, connection_id: int):
        """ "Import payments now": queued, so the page does not wait for e-conomic."""
        if request.method != "POST" or not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:integration_paymentimport_changelist"))
        connection = get_object_or_404(_syncing_connections(), pk=connection_id)
        payments_import_queue(connection=connection, trigger=ImportTrigger.MANUAL)
        self.message_user(request, f"Payment import queued for {connection}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:integration_paymentimport_changelist"))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "syncing_connections": _syncing_connections()}
        return super().changelist_view(request, extra_context)


def _syncing_connections():
    return Connection.objects.filter(active=True).exclude(payment_sync=PaymentSync.OFF)


class PaymentChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    """What e-conomic's bookkeeper did to the payment since we recorded it, in words."""

    model = PaymentChange
    fields = ["seen_at", "kind", "description", "payment_import"]
    readonly_fields = fields
    extra = 0


@admin.register(SyncedPayment)
class SyncedPaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["detected_at", "invoice", "booked_number", "paid_on", "amount", "currency",
                    "amount_in_base_currency", "voucher_number", "kind", "state", "connection",
                    "payment_import"]  # fmt: skip
    inlines = [PaymentChangeInline]
    list_filter = ["state", "kind", "connection"]
    search_fields = ["booked_number", "reference", "invoice__number"]
    list_select_related = ["invoice", "connection", "payment_import"]
    date_hierarchy = "detected_at"


class SyncedPaymentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SyncedPayment
    fk_name = "invoice"
    fields = ["paid_on", "detected_at", "booked_number", "amount", "currency", "voucher_number",
              "kind", "state", "connection"]  # fmt: skip
    readonly_fields = fields
    extra = 0
    verbose_name = "payment seen in e-conomic"
    verbose_name_plural = "payments seen in e-conomic"


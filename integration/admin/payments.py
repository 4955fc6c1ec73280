"""Payments from e-conomic: the import log, the synced payments, "Import payments now", and
the inline of synced payments that integration/admin/invoices.py puts on the invoice page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts_app.admin.readonly import ReadOnlyAdminMixin
from accounts_app.currency import base_currency
from accounts_app.money import Money
from integration.models import (
    Connection,
    ImportState,
    ImportTrigger,
    InvoiceExport,
    PaymentChange,
    PaymentImport,
    SyncedPayment,
)
from integration.models.connection import PaymentSync
from integration.services.payments import payments_import_queue
from integration.services.payments.mirror import paid_on_for_people
from integration.services.payments.summary import payment_import_summary


class ImportOutcomeFilter(admin.SimpleListFilter):
    title = gettext_lazy("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("ok", _("OK")), ("error", _("Error"))]

    def queryset(self, request, queryset):
        if self.value() == "ok":
            return queryset.filter(state=ImportState.DONE)
        if self.value() == "error":
            return queryset.filter(state=ImportState.FAILED)
        return queryset


@admin.register(PaymentImport)
class PaymentImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started", "connection", "trigger", "state", "checked", "paid", "partial",
                    "reversed", "changed", "unchanged", "skipped", "api_calls",
                    "duration"]  # fmt: skip
    list_filter = [ImportOutcomeFilter, "state", "trigger", "connection"]
    list_select_related = ["connection"]
    date_hierarchy = "started"
    change_list_template = "admin/integration/paymentimport/change_list.html"
    fields = ["summary", "connection", "trigger", "state", "started", "finished", "checked",
              "paid", "partial", "reversed", "changed", "unchanged", "skipped", "api_calls",
              "error", "needs_person", "warnings"]  # fmt: skip
    readonly_fields = ["summary"]

    @admin.display(description=gettext_lazy("What it did"))
    def summary(self, run: PaymentImport) -> str:
        return payment_import_summary(run=run)

    @admin.display(description=gettext_lazy("Duration"))
    def duration(self, run: PaymentImport) -> str:
        if run.finished is None:
            return "—"
        return _("%(seconds).1f s") % {"seconds": (run.finished - run.started).total_seconds()}

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
        self.message_user(
            request,
            _("Payment import queued for %(connection)s.") % {"connection": connection},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:integration_paymentimport_changelist"))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "syncing_connections": _syncing_connections()}
        return super().changelist_view(request, extra_context)


def _syncing_connections():
    return Connection.objects.filter(active=True).exclude(payment_sync=PaymentSync.OFF)


def synced_payments_with_booked_rate(queryset):
    """Each payment with the rate its invoice was booked at: e-conomic's where the export
    recorded it, else the rate we sent (empty for a foreign invoice e-conomic converted)."""
    exports = InvoiceExport.objects.filter(
        connection=OuterRef("connection"), invoice=OuterRef("invoice")
    )
    rate = Subquery(exports.values("exchange_rate")[:1])
    return queryset.annotate(booked_rate=Coalesce(rate, F("invoice__exchange_rate")))


@admin.display(description=gettext_lazy("amount"))
def synced_payment_amount(synced: SyncedPayment) -> str:
    """The amount in the invoice's currency, and beside it what is known in the base currency:
    e-conomic's figure where the import read it, else the amount at the invoice's booked rate."""
    shown, base = str(Money(synced.amount, synced.currency)), base_currency()
    if synced.currency == base:
        return shown
    if synced.amount_in_base_currency is not None:
        beside = str(Money(synced.amount_in_base_currency, base))
        if synced.exchange_difference is not None:
            beside += _(", exchange difference %(difference)s") % {
                "difference": Money(synced.exchange_difference, base)
            }
        return f"{shown} ({beside})"
    rate = getattr(synced, "booked_rate", None)
    if rate is None:
        return shown
    return _("%(amount)s (≈ %(base)s at the invoice's rate)") % {
        "amount": shown, "base": Money(synced.amount * rate, base)
    }


@admin.display(description=gettext_lazy("paid on"), ordering="paid_on")
def synced_payment_paid_on(synced: SyncedPayment) -> str:
    return paid_on_for_people(synced)


class PaymentChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    """What e-conomic's bookkeeper did to the payment since we recorded it, in words."""

    model = PaymentChange
    fields = ["seen_at", "kind", "description", "payment_import"]
    readonly_fields = fields
    extra = 0


@admin.register(SyncedPayment)
class SyncedPaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["detected_at", "invoice", "booked_number", synced_payment_paid_on,
                    synced_payment_amount,
                    "voucher_number", "kind", "state", "connection", "payment_import"]  # fmt: skip
    inlines = [PaymentChangeInline]
    list_filter = ["state", "kind", "connection", "currency"]
    search_fields = ["booked_number", "reference", "invoice__number"]
    list_select_related = ["invoice", "connection", "payment_import"]
    date_hierarchy = "detected_at"

    def get_queryset(self, request):
        return synced_payments_with_booked_rate(super().get_queryset(request))


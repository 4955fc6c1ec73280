"""The ledger's invoice admin with e-conomic on it: the "Export to e-conomic" action, the
e-conomic number and rate columns and, on a finalized invoice, the payments seen in e-conomic.

The ledger app knows nothing of e-conomic, so this subclass of its invoice admin takes the
invoice's place in the admin site (registered in integration/admin/__init__.py).
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from accounts_app.admin.invoices import InvoiceAdmin
from integration.admin.exports import economic_exchange_rate, export_to_economic
from integration.admin.invoice_status import (
    EconomicStatusFilter,
    economic_status,
    economic_status_annotations,
)
from integration.admin.payments import SyncedPaymentInline
from integration.models import InvoiceExport


class EconomicInvoiceAdmin(InvoiceAdmin):
    """The ledger's invoice admin, plus what finance staff need to export and follow up."""

    list_display = [*InvoiceAdmin.list_display, economic_status, economic_exchange_rate]
    list_filter = [*InvoiceAdmin.list_filter, EconomicStatusFilter]
    actions = [*InvoiceAdmin.actions, export_to_economic]

    def get_queryset(self, request):
        # One subquery for the whole page instead of a query per row.
        exports = InvoiceExport.objects.filter(invoice=OuterRef("pk"))
        return super().get_queryset(request).annotate(
            economic_exchange_rate_shown=Subquery(exports.values("exchange_rate")[:1]),
            **economic_status_annotations(),
        )

    def get_inlines(self, request, obj):
        # A draft has never been exported, so e-conomic has seen no payment of it.
        inlines = list(super().get_inlines(request, obj))
        return inlines if obj is None or obj.is_draft else [*inlines, SyncedPaymentInline]

"""The ledger's invoice admin with e-conomic on it: the "Export to e-conomic" action, the
e-conomic status and rate columns and, on a finalized invoice, a panel with its life in
e-conomic (documents, jobs, the last error and its fix, the payments seen there).

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
from integration.models import InvoiceExport
from integration.selectors import invoice_economic_life


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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A draft has never been exported: e-conomic holds nothing of it.
        invoice = self.get_object(request, object_id) if request.method == "GET" else None
        if invoice is not None and not invoice.is_draft:
            extra_context = {**(extra_context or {}),
                             "economic_life": invoice_economic_life(invoice=invoice)}  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

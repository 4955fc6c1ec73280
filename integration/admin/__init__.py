"""Screens for finance staff: connections, reference data, mappings, setup check, call log,
export runs and jobs, payment imports, alerts, the reconciliation's findings."""

from django.contrib import admin

from accounts_app.models import Invoice
from integration.admin import (  # noqa: F401
    alerts,
    calls,
    connections,
    customer_links,
    exports,
    mappings,
    payments,
    reconcile,
    reference,
)
from integration.admin.invoices import EconomicInvoiceAdmin

# The ledger registers its own invoice admin; this app replaces it with the one that exports.
admin.site.unregister(Invoice)
admin.site.register(Invoice, EconomicInvoiceAdmin)

"""Read-only queries over the ledger that more than one caller needs."""
from django.db.models import QuerySet

from accounts_app.models import Invoice

OPEN_STATES = (Invoice.State.FINALIZED, Invoice.State.PARTLY_PAID)


def invoices_open() -> QuerySet[Invoice]:
    """Finalized invoices (not credit notes) with money still owed, oldest due first."""
    return (
        Invoice.objects.filter(state__in=OPEN_STATES, credited_invoice__isnull=True)
        .select_related("customer")
        .order_by("due_date", "number")
    )

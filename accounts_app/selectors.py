"""Read-only queries over the ledger that more than one caller needs."""
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, QuerySet, Sum

from accounts_app.models import Invoice
from accounts_app.money import Money

OPEN_STATES = (Invoice.State.FINALIZED, Invoice.State.PARTLY_PAID)
OPEN_AMOUNT = F("gross_total") - F("amount_paid")


def invoices_open() -> QuerySet[Invoice]:
    """Finalized invoices (not credit notes) with money still owed, oldest due first."""
    return (
        Invoice.objects.filter(state__in=OPEN_STATES, credited_invoice__isnull=True)
        .select_related("customer")
        .order_by("due_date", "number")
    )


def amounts_by_currency(rows: QuerySet, *, amount, currency: str = "currency") -> list[Money]:
    """`amount` summed per currency, never across currencies, in currency order. A currency
    that sums to nothing is left out."""
    totals = rows.order_by().values(currency).annotate(total=Sum(amount)).order_by(currency)
    return [Money(row["total"], row[currency]) for row in totals if row["total"]]


def customer_balances(*, customer_ids: Iterable[int]) -> dict[int, list[Money]]:
    """What each customer owes, per invoice currency (a customer may be invoiced in several),
    in one query for a page of customers."""
    totals = (
        invoices_open().filter(customer_id__in=list(customer_ids)).order_by()
        .values("customer_id", "currency").annotate(total=Sum(OPEN_AMOUNT))
        .order_by("customer_id", "currency")
    )  # fmt: skip
    balances = defaultdict(list)
    for row in totals:
        if row["total"]:
            balances[row["customer_id"]].append(Money(row["total"], row["currency"]))
    return dict(balances)

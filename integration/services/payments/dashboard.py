"""Figures for the admin index: what is owed, what came in this month, the last import."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone

from accounts_app.models import Invoice, Payment
from integration.models import PaymentImport


@dataclass(frozen=True)
class PaymentsDashboard:
    open_amount: Decimal
    paid_this_month: Decimal
    last_import: PaymentImport | None


def payments_dashboard() -> PaymentsDashboard:
    """Amounts in the invoices' own currencies summed as they are (the ledger is in DKK)."""
    open_invoices = Invoice.objects.filter(
        state__in=[Invoice.State.FINALIZED, Invoice.State.PARTLY_PAID],
        credited_invoice__isnull=True,
    )
    owed = open_invoices.aggregate(total=Sum(F("gross_total") - F("amount_paid")))["total"]
    month_start = timezone.localdate().replace(day=1)
    paid = Payment.objects.filter(date__gte=month_start).aggregate(total=Sum("amount"))["total"]
    return PaymentsDashboard(
        open_amount=owed or Decimal("0.00"),
        paid_this_month=paid or Decimal("0.00"),
        last_import=PaymentImport.objects.select_related("connection").first(),
    )

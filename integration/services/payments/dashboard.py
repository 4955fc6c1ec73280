"""Figures for the admin index: what is owed, what came in this month, the last import. Every
amount per currency: DKK, EUR and SEK added together mean nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts_app.models import Payment
from accounts_app.money import Money
from accounts_app.selectors import OPEN_AMOUNT, amounts_by_currency, invoices_open
from integration.models import PaymentImport
from integration.services.payments.summary import payment_import_summary


@dataclass(frozen=True)
class PaymentsDashboard:
    open_amount: list[Money]
    paid_this_month: list[Money]
    month_start: datetime.date
    last_import: PaymentImport | None
    last_import_summary: str


def payments_dashboard() -> PaymentsDashboard:
    month_start = timezone.localdate().replace(day=1)
    paid = Payment.objects.filter(date__gte=month_start)
    last_import = PaymentImport.objects.select_related("connection").first()
    return PaymentsDashboard(
        open_amount=amounts_by_currency(invoices_open(), amount=OPEN_AMOUNT),
        paid_this_month=amounts_by_currency(paid, amount="amount", currency="invoice__currency"),
        month_start=month_start,
        last_import=last_import,
        last_import_summary=payment_import_summary(run=last_import) if last_import else "",
    )

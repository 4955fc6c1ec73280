"""Invoice arithmetic: line totals, VAT, document totals and due dates.

Rules (REFERENCE §2.8, §2.9, §2.5; https://restdocs.e-conomic.com/#post-invoices-drafts): a
line's net amount is quantity × unitNetPrice × (1 − discountPercentage/100), rounded half-up to
2 places (as recorded, ADDENDUM §1); VAT comes from the rate of the product group's sales
account for the recipient's VAT zone. e-conomic does not document how it rounds VAT (ADDENDUM
§1), so an agreement picks one of two models: "line" rounds each line's VAT half-up to 2 places
and sums them; "document" keeps each line's VAT to 4 places (as booked lines show it) and rounds
once per rate, half-up, on the sum of that rate's line nets. The document's net and gross
amounts are the sums; `roundingAmount` is always 0 (every recording has 0.00). Amounts in base
currency are amount × exchangeRate / 100 (the rate is the base-currency price of 100 units).
The due date follows the payment terms: `net` is the date plus `daysOfCredit`, `invoiceMonth`
the end of the invoice month plus the days, `paidInCash` and `prepaid` the invoice date itself,
`dueDate` the date given on the invoice.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from economic_sandbox.state import DOCUMENT_ROUNDING, LINE_ROUNDING

CENT = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")  # booked lines show `vatAmount` with 4 decimals (ADDENDUM §1)


def money(value: Any) -> Decimal:
    """Half-up to 2 places, the rounding of every amount e-conomic shows."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def as_number(value: Decimal) -> float | int:
    """A Decimal as a JSON number."""
    return float(value)


def line_net_amount(quantity: Any, unit_net_price: Any, discount_percentage: Any = 0) -> Decimal:
    gross = Decimal(str(quantity or 0)) * Decimal(str(unit_net_price or 0))
    return money(gross * (1 - Decimal(str(discount_percentage or 0)) / 100))


def line_vat_amount(net_amount: Decimal, vat_rate: Any) -> Decimal:
    return money(net_amount * Decimal(str(vat_rate or 0)) / 100)


def line_vat_for_model(net_amount: Decimal, vat_rate: Any, model: str) -> Decimal:
    """A line's VAT as the rounding model keeps it: 2 places ("line") or 4 ("document")."""
    if model == DOCUMENT_ROUNDING:
        exact = net_amount * Decimal(str(vat_rate or 0)) / 100
        return exact.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    return line_vat_amount(net_amount, vat_rate)


def vat_total(lines: list[dict], model: str) -> Decimal:
    """The document's VAT: the sum of the rounded line VAT ("line"), or per rate the rounded
    VAT of that rate's summed line nets ("document")."""
    if model != DOCUMENT_ROUNDING:
        return sum((money(line.get("vatAmount", 0)) for line in lines), Decimal(0))
    nets_per_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = Decimal(str(line.get("vatRate", 0)))
        nets_per_rate[rate] = nets_per_rate.get(rate, Decimal(0)) + Decimal(
            str(line["totalNetAmount"])
        )
    return sum((line_vat_amount(net, rate) for rate, net in nets_per_rate.items()), Decimal(0))


def in_base_currency(amount: Decimal, exchange_rate: Any) -> Decimal:
    return money(amount * Decimal(str(exchange_rate or 100)) / 100)


def document_totals(
    lines: list[dict], exchange_rate: Any, model: str = LINE_ROUNDING
) -> dict[str, float]:
    """Net, VAT and gross amounts (+ base currency and cost/margin) from lines that already carry
    `totalNetAmount`, `vatRate`, `vatAmount` and `unitCostPrice`, VAT by the rounding model."""
    net = sum((Decimal(str(line["totalNetAmount"])) for line in lines), Decimal(0))
    vat = vat_total(lines, model)
    cost = sum(
        (
            Decimal(str(line.get("unitCostPrice", 0))) * Decimal(str(line.get("quantity", 0)))
            for line in lines
        ),
        Decimal(0),
    )
    net_base = in_base_currency(net, exchange_rate)
    cost_base = money(cost)
    margin = net_base - cost_base
    return {
        "netAmount": as_number(money(net)),
        "netAmountInBaseCurrency": as_number(net_base),
        "grossAmount": as_number(money(net + vat)),
        "grossAmountInBaseCurrency": as_number(in_base_currency(net + vat, exchange_rate)),
        "vatAmount": as_number(money(vat)),
        "roundingAmount": 0.0,
        "costPriceInBaseCurrency": as_number(cost_base),
        "marginInBaseCurrency": as_number(margin),
        "marginPercentage": as_number(_percentage(margin, net_base)),
    }


def _percentage(part: Decimal, whole: Decimal) -> Decimal:
    return money(part * 100 / whole) if whole else Decimal(0)


def parse_date(text: str) -> datetime.date:
    """The date part of an ISO date or datetime (clients send both, REFERENCE §8 fixtures-mt)."""
    return datetime.date.fromisoformat(str(text)[:10])


def end_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_date(
    invoice_date: datetime.date, terms: dict, given: datetime.date | None
) -> datetime.date | None:
    """The due date for payment terms `terms` (a payment-terms document). None means the terms
    need a given due date and none was sent."""
    kind = terms.get("paymentTermsType", "net")
    days = datetime.timedelta(days=int(terms.get("daysOfCredit") or 0))
    if kind == "dueDate":
        return given
    if kind in ("paidInCash", "prepaid"):
        return invoice_date
    if kind == "invoiceMonth":
        return end_of_month(invoice_date) + days
    if kind == "invoiceWeekStartingMonday":
        return invoice_date + datetime.timedelta(days=6 - invoice_date.weekday()) + days
    if kind == "invoiceWeekStartingSunday":
        return invoice_date + datetime.timedelta(days=(5 - invoice_date.weekday()) % 7) + days
    return invoice_date + days

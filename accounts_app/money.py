"""Money arithmetic for the ledger. Every amount is a Decimal with two places; a line is rounded
half-up on its own (net, then VAT on the rounded net) and an invoice's totals are the sums of its
rounded lines, so the totals always equal what the printed lines add up to (no cent differences
between the PDF, the list and e-conomic)."""
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, numberformat

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def money_round(amount: Decimal) -> Decimal:
    """Round to whole cents, halves away from zero (so a credit note is the exact negative)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def line_amounts(
    *, quantity: Decimal, unit_price: Decimal, discount_percent: Decimal, vat_rate: Decimal
) -> LineAmounts:
    """The rounded net and VAT of one line; VAT is computed from the rounded net."""
    net = money_round(quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED)
    vat = money_round(net * vat_rate / HUNDRED)
    return LineAmounts(net=net, vat=vat)


def totals_from_lines(lines: Iterable[LineAmounts]) -> Totals:
    """Sum already rounded lines; no rounding happens at this level."""
    net = vat = Decimal("0.00")
    for line in lines:
        net += line.net
        vat += line.vat
    return Totals(net=net, vat=vat)


# Finance staff read amounts the Danish way, as e-conomic and the bank print them, whatever
# language the admin is shown in.
MONEY_LOCALE = "da"


@dataclass(frozen=True)
class Money:
    """An amount with its currency: never summed with another currency's, always shown with it."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return money_display(self.amount, self.currency)


def money_display(amount: Decimal, currency: str) -> str:
    """ "1.234,56 DKK". Rounded to cents first: Django's number format cuts further places off."""
    number = numberformat.format(
        money_round(amount),
        formats.get_format("DECIMAL_SEPARATOR", lang=MONEY_LOCALE, use_l10n=True),
        decimal_pos=2,
        grouping=formats.get_format("NUMBER_GROUPING", lang=MONEY_LOCALE, use_l10n=True),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", lang=MONEY_LOCALE, use_l10n=True),
        force_grouping=True,
    )
    return f"{number} {currency}"

"""Money arithmetic for the ledger. Every amount is a Decimal with two places; a line is rounded
half-up on its own (net, then VAT on the rounded net). An invoice's VAT is rounded the way the
ledger is set to round it, the way its accounting system does (LEDGER_VAT_ROUNDING): per line
(the sum of the lines' VAT) or per document (once per rate, on the sum of the nets at it), so
the totals equal what the PDF prints per rate and what e-conomic books."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import formats, translation

PER_LINE, PER_DOCUMENT = "line", "document"

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def money_round(amount: Decimal) -> Decimal:
    """Round to whole cents, halves away from zero (so a credit note is the exact negative)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    vat: Decimal
    rate: Decimal = Decimal("0")  # percent


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


def vat_by_rate(
    lines: Iterable[LineAmounts], *, rounding: str = PER_LINE
) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """rate -> (the net charged at it, its VAT): the lines' own VAT summed, or, per document,
    the VAT of the summed net rounded once."""
    sums: dict[Decimal, list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    for line in lines:
        sums[line.rate][0] += line.net
        sums[line.rate][1] += line.vat
    if rounding == PER_DOCUMENT:
        return {
            rate: (base, money_round(base * rate / HUNDRED)) for rate, (base, _) in sums.items()
        }
    return {rate: (base, vat) for rate, (base, vat) in sums.items()}


def totals_from_lines(lines: Iterable[LineAmounts], *, rounding: str = PER_LINE) -> Totals:
    """The invoice's net and VAT from its rounded lines, VAT rounded per line or per document."""
    by_rate = vat_by_rate(lines, rounding=rounding)
    net = sum((base for base, _ in by_rate.values()), Decimal("0.00"))
    vat = sum((vat for _, vat in by_rate.values()), Decimal("0.00"))
    return Totals(net=net, vat=vat)


@dataclass(frozen=True)
class Money:
    """An amount with its currency: never summed with another currency's, always shown with it."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return money_display(self.amount, self.currency)


def money_display(amount: Decimal, currency: str) -> str:
    """The amount with its currency, as the active language writes money: "1.234,56 kr." (a
    Danish krone) or "1.234,56 EUR" in Danish, the currency's code after the amount as Danish
    invoices and banks print it; "DKK 1,234.56" in English, the code first. Rounded to cents
    first: Django's number format cuts further places off."""
    number = formats.number_format(money_round(amount), decimal_pos=2, use_l10n=True,
                                   force_grouping=True)  # fmt: skip
    if language_bare() == "da":
        return f"{number} kr." if currency == "DKK" else f"{number} {currency}"
    return f"{currency} {number}"


def language_bare() -> str:
    """The active language without its region ("da" for "da-dk"), the fallback when none is."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()

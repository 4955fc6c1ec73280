"""The ledger's base currency and the rule for an invoice's exchange rate.

A rate is the base currency for one unit of the invoice's currency. A base-currency invoice is at
1; a foreign one carries our rate or none at all (e-conomic then converts at its own rate). A
foreign invoice at exactly 1 is almost always the old default left in place, never a real rate.
"""
from decimal import Decimal

from django.conf import settings

ONE = Decimal("1")


def base_currency() -> str:
    return settings.LEDGER_BASE_CURRENCY


def exchange_rate_normalize(*, currency: str, rate: Decimal | None) -> Decimal | None:
    """The rate to store: 1 for a base-currency invoice given none, otherwise as given."""
    if rate is None and currency == base_currency():
        return ONE
    return rate


def exchange_rate_problem(*, currency: str, rate: Decimal | None) -> str:
    """What is wrong with this rate for this currency, with the fix; "" when it is right."""
    base = base_currency()
    if rate is None:
        return ""
    if rate <= 0:
        return f"{currency} at rate {rate} — a rate is above zero ({base} for one {currency})."
    if currency == base and rate != ONE:
        return (
            f"{currency} at rate {rate:.2f} — {base} is the ledger's base currency, so its rate "
            "is 1: enter 1, or leave it empty."
        )
    if currency != base and rate == ONE:
        return (
            f"{currency} at rate {rate:.2f} — enter the rate ({base} for one {currency}), or "
            "leave it empty so e-conomic applies its own."
        )
    return ""

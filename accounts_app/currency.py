"""The ledger's base currency and the rule for an invoice's exchange rate.

A rate is the base currency for one unit of the invoice's currency. A base-currency invoice is at
1; a foreign one carries our rate or none at all (e-conomic then converts at its own rate). A
foreign invoice at exactly 1 is almost always the old default left in place, never a real rate.
"""
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

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
        return _("%(currency)s at rate %(rate)s — a rate is above zero (%(base)s for one "
                 "%(currency)s).") % {"currency": currency, "rate": rate, "base": base}
    if currency == base and rate != ONE:
        return _(
            "%(currency)s at rate %(rate)s — %(base)s is the ledger's base currency, so its rate "
            "is 1: enter 1, or leave it empty."
        ) % {"currency": currency, "rate": f"{rate:.2f}", "base": base}
    if currency != base and rate == ONE:
        return _(
            "%(currency)s at rate %(rate)s — enter the rate (%(base)s for one %(currency)s), or "
            "leave it empty so e-conomic applies its own."
        ) % {"currency": currency, "rate": f"{rate:.2f}", "base": base}
    return ""

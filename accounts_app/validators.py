"""Validation of Danish CVR numbers, EU and foreign VAT numbers and EAN (GLN) numbers, with
python-stdnum. A number is checked only where the customer's country says which rules apply;
for a country stdnum has no VAT module for, the number is kept as entered.

Also the ledger's bounds for what a person may enter: dates, amounts, days of credit and
e-conomic customer numbers, shared by the models, the services and the imports."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from stdnum import ean
from stdnum.dk import cvr
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import get_cc_module

# Greece writes its VAT numbers with "EL", not its ISO code "GR".
EU_VAT_PREFIX = {"GR": "EL"}
EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)


def vat_number_normalize(*, number: str, country: str) -> str:
    """Return the number in its compact, canonical form, or raise ValidationError."""
    country = country.upper()
    try:
        if country == "DK":
            return cvr.validate(number)
        if country in EU_COUNTRIES:
            return _eu_vat_validate(number, country)
        module = get_cc_module(country.lower(), "vat")
        return module.validate(number) if module else number.strip()
    except StdnumError as error:
        raise ValidationError(
            _("%(number)s is not a valid VAT number for %(country)s (%(reason)s). Check the "
              "digits against the customer's registration.")
            % {"number": repr(number), "country": country, "reason": error},
            code="invalid_vat_number",
        ) from error  # fmt: skip


def _eu_vat_validate(number: str, country: str) -> str:
    prefix = EU_VAT_PREFIX.get(country, country)
    # stdnum's compact() needs the prefix to pick the country's rules, so add it first.
    compact = "".join(number.split()).upper().replace("-", "").replace(".", "")
    if not compact.startswith(prefix):
        compact = prefix + compact
    return eu_vat.validate(compact)


def ean_validate(value: str) -> None:
    """An EAN (GLN) location number for Danish public e-invoicing: 13 digits with check digit."""
    if len(value) != 13 or not ean.is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid EAN number: it must be 13 digits with a valid check "
              "digit.") % {"value": repr(value)},
            code="invalid_ean",
        )  # fmt: skip


# The ledger's rules for dates and amounts. Each message names the value and the way out, since
# it is shown as is in the admin and in an import's report.
EARLIEST_DATE = datetime.date(2000, 1, 1)
# An invoice is dated at most this far ahead: further is a mistyped year, not a plan.
LATEST_AHEAD = datetime.timedelta(days=366)
# The money columns hold 14 digits with 2 places (e-conomic takes no more either).
MONEY_LIMIT = Decimal("1000000000000")
# A payment condition gives at most this many days of credit, which also keeps every due date
# a calendar can hold.
MAX_CREDIT_DAYS = 999
# e-conomic's customer numbers: "a positive unique numerical identifier with a maximum of 9 digits"
# (rest-schemas/customers.post.schema.json).
REMOTE_CUSTOMER_NUMBERS = range(1, 1_000_000_000)


def ledger_date_validate(value: datetime.date) -> None:
    """An invoice date between 2000 and a year from today."""
    latest = timezone.localdate() + LATEST_AHEAD
    if value < EARLIEST_DATE or value > latest:
        raise ValidationError(
            _("%(date)s is outside the ledger's dates (%(earliest)s to %(latest)s): check the "
              "year.") % {"date": f"{value:%Y-%m-%d}", "earliest": f"{EARLIEST_DATE:%Y-%m-%d}",
                          "latest": f"{latest:%Y-%m-%d}"},
            code="date_out_of_range",
        )  # fmt: skip


def payment_date_validate(value: datetime.date) -> None:
    """A payment received between 2000 and today: money that has not come in is not paid."""
    today = timezone.localdate()
    if value > today:
        raise ValidationError(
            _("%(date)s is in the future: enter the date the money was received (today at the "
              "latest, %(today)s).") % {"date": f"{value:%Y-%m-%d}", "today": f"{today:%Y-%m-%d}"},
            code="payment_in_future",
        )  # fmt: skip
    if value < EARLIEST_DATE:
        raise ValidationError(
            _("%(date)s is before %(earliest)s: check the year.")
            % {"date": f"{value:%Y-%m-%d}", "earliest": f"{EARLIEST_DATE:%Y-%m-%d}"},
            code="date_out_of_range",
        )


def money_amount_problem(amount: Decimal, what: str) -> str:
    """What is wrong with an amount the ledger must store, with the fix; "" when it fits."""
    if abs(amount) >= MONEY_LIMIT:
        return _(
            "%(what)s of %(amount)s is too large: the ledger and e-conomic hold amounts below "
            "%(limit)s. Check the quantity and the price, or split the invoice."
        ) % {"what": what, "amount": number_format(amount, 2, force_grouping=True),
             "limit": number_format(MONEY_LIMIT, 0, force_grouping=True)}  # fmt: skip
    return ""


def remote_customer_number_validate(value: int) -> None:
    if value not in REMOTE_CUSTOMER_NUMBERS:
        raise ValidationError(
            _("%(value)s is not an e-conomic customer number: they run from 1 to 999999999.")
            % {"value": value},
            code="remote_number_out_of_range",
        )

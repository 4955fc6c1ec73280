"""Validation of Danish CVR numbers, EU and foreign VAT numbers and EAN (GLN) numbers, with
python-stdnum. A number is checked only where the customer's country says which rules apply;
for a country stdnum has no VAT module for, the number is kept as entered."""
from django.core.exceptions import ValidationError
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
            f"{number!r} is not a valid VAT number for {country} ({error}). "
            "Check the digits against the customer's registration.",
            code="invalid_vat_number",
        ) from error


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
            f"{value!r} is not a valid EAN number: it must be 13 digits with a valid check digit.",
            code="invalid_ean",
        )

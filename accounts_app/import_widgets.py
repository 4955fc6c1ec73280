"""Cell readers for the spreadsheet imports. Each refuses a bad cell with a message that names the
column, the value and what is allowed, because the message is shown as is on the import's result
page. References are read once per import, not once per row: a 10,000-row file would otherwise
ask the database the same few questions 10,000 times."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from import_export import widgets

SHOWN_CHOICES = 20


def allowed_values(values) -> str:
    """The allowed values for a message, each in quotes: all of them, or the first
    SHOWN_CHOICES and a count."""
    values = [f"“{value}”" for value in sorted(str(value) for value in values)]
    if len(values) > SHOWN_CHOICES:
        more = len(values) - SHOWN_CHOICES
        shown = ", ".join(values[:SHOWN_CHOICES])
        return ngettext("%(values)s (and %(count)s more)", "%(values)s (and %(count)s more)",
                        more) % {"values": shown, "count": more}  # fmt: skip
    return ", ".join(values) if values else _("none yet")


def cell_text(value) -> str:
    """A cell as text: a number that a spreadsheet stored as 1010.0 reads as 1010."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class LookupWidget(widgets.ForeignKeyWidget):
    """A reference by its natural key (a VAT code's code, a payment condition's name), all of
    them read at the first row; an unknown one is a row error that lists the known ones."""

    def __init__(self, model, field: str, *, column: str, required: bool = False, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.column = column
        self.required = required
        self.known = None

    def forget(self) -> None:
        """Read the references again at the next row (called before each import)."""
        self.known = None

    def clean(self, value, row=None, **kwargs):
        key = "" if value is None else cell_text(value)
        if not key:
            if self.required:
                raise ValueError(_("%(column)s is empty; allowed are: %(allowed)s.")
                                 % {"column": self.column, "allowed": self.allowed()})  # fmt: skip
            return None
        if self.known is None:
            self.known = {str(getattr(item, self.field)): item for item in self.model.objects.all()}
        found = self.known.get(key)
        if found is None:
            raise ValueError(
                _("%(column)s “%(value)s” is unknown; allowed are: %(allowed)s.")
                % {"column": self.column, "value": key, "allowed": self.allowed()}
            )
        return found

    def allowed(self) -> str:
        return allowed_values(self.model.objects.values_list(self.field, flat=True))


class ChoiceWidget(widgets.Widget):
    """One of a field's choices, by its value or its label in any case; an empty cell is
    refused unless `blank` (then it is "")."""

    def __init__(self, choices, *, column: str, blank: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.column, self.blank = column, blank
        self.by_text = {}
        for value, label in choices:
            self.by_text[str(value).lower()] = value
            self.by_text[str(label).lower()] = value
        self.values = [value for value, _label in choices]

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else cell_text(value)
        if not text and self.blank:
            return ""
        found = self.by_text.get(text.lower())
        if found is None:
            allowed = allowed_values(self.values)
            if text:
                raise ValueError(_("%(column)s “%(value)s” is not allowed; allowed are: "
                                   "%(allowed)s.") % {"column": self.column, "value": text,
                                                      "allowed": allowed})  # fmt: skip
            raise ValueError(_("%(column)s is empty; allowed are: %(allowed)s.")
                             % {"column": self.column, "allowed": allowed})  # fmt: skip
        return found


class WholeNumberWidget(widgets.Widget):
    """A whole number of at least 1 (a customer's number, a line's), `hint` saying what to write."""

    def __init__(self, *, column: str, hint: str, **kwargs):
        super().__init__(**kwargs)
        self.column, self.hint = column, hint

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else cell_text(value)
        if not (text.isascii() and text.isdigit()) or int(text) < 1 or len(text) > 9:
            if text:
                raise ValueError(_("%(column)s “%(value)s” is not a whole number from 1 to "
                                   "999999999; %(hint)s.") % {"column": self.column, "value": text,
                                                              "hint": self.hint})  # fmt: skip
            raise ValueError(_("%(column)s is empty; %(hint)s.")
                             % {"column": self.column, "hint": self.hint})  # fmt: skip
        return int(text)


class CountryWidget(widgets.Widget):
    """A two-letter ISO 3166 country code in any case. Checked here once against a set: the
    model field's own check walks all 250 countries for every row."""

    def __init__(self, *, column: str, **kwargs):
        super().__init__(**kwargs)
        self.column = column
        self.codes = {code for code, _name in countries}

    def clean(self, value, row=None, **kwargs):
        code = ("" if value is None else cell_text(value)).upper()
        if code not in self.codes:
            if code:
                raise ValueError(_("%(column)s “%(value)s” is not a country code; use a "
                                   "two-letter ISO 3166 code such as DK, SE, DE or GB.")
                                 % {"column": self.column, "value": code})  # fmt: skip
            raise ValueError(_("%(column)s is empty; use a two-letter ISO 3166 code such as DK, "
                               "SE, DE or GB.") % {"column": self.column})  # fmt: skip
        return code


class CurrencyWidget(widgets.Widget):
    """A three-letter ISO 4217 currency code in any case ("dkk" reads as DKK)."""

    def __init__(self, *, column: str, **kwargs):
        super().__init__(**kwargs)
        self.column = column

    def clean(self, value, row=None, **kwargs):
        code = ("" if value is None else cell_text(value)).upper()
        if len(code) != 3 or not (code.isascii() and code.isalpha()):
            shown = (_("%(column)s “%(value)s” is not a currency code")
                     % {"column": self.column, "value": code}) if code else (
                         _("%(column)s is empty") % {"column": self.column})  # fmt: skip
            raise ValueError(_("%(problem)s; use a three-letter ISO 4217 code such as DKK, EUR, "
                               "SEK, NOK, USD or GBP.") % {"problem": shown})  # fmt: skip
        return code


class AmountWidget(widgets.Widget):
    """A decimal number with at most `places` decimals, a comma or a point before them. The
    ledger keeps two places: a third decimal would be rounded away unseen, so it is refused."""

    def __init__(self, *, column: str, places: int = 2, default: Decimal | None = None, **kwargs):
        super().__init__(**kwargs)
        self.column, self.places, self.default = column, places, default

    def clean(self, value, row=None, **kwargs):
        if value is None or cell_text(value) == "":
            if self.default is None:
                raise ValueError(_("%(column)s is empty; write a number such as 12.50.")
                                 % {"column": self.column})  # fmt: skip
            return self.default
        # A spreadsheet keeps 15 significant digits; beyond them a float is only binary noise.
        text = format(value, ".15g") if isinstance(value, float) else cell_text(value)
        try:
            amount = Decimal(text.replace(" ", "").replace(",", "."))
        except InvalidOperation as error:
            raise ValueError(self._not_a_number(text)) from error
        if not amount.is_finite():
            raise ValueError(self._not_a_number(text))
        try:
            rounded = amount.quantize(Decimal(1).scaleb(-self.places))
        except InvalidOperation as error:
            raise ValueError(_("%(column)s “%(value)s” is too large for the ledger.")
                             % {"column": self.column, "value": text}) from error  # fmt: skip
        if amount != rounded:
            raise ValueError(
                _("%(column)s “%(value)s” has more than %(places)s decimals; round it to "
                  "%(places)s (the ledger keeps no more).")
                % {"column": self.column, "value": text, "places": self.places}
            )  # fmt: skip
        return amount

    def _not_a_number(self, text: str) -> str:
        return _("%(column)s “%(value)s” is not a number; write it as 1234.50 or 1234,50.") % {
            "column": self.column, "value": text}  # fmt: skip

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)

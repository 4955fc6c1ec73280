"""Customers and their projects."""
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts_app.models.reference import PaymentCondition
from accounts_app.validators import ean_validate, vat_number_normalize

currency_code_validator = RegexValidator(
    r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 currency code in capitals, e.g. DKK or EUR.")
)


# The languages an invoice is written in (the PDF's labels).
INVOICE_LANGUAGES = [("da", _("Danish")), ("en", _("English"))]


def language_for_country(country: str) -> str:
    """A customer's language when none is chosen: Danish in Denmark, English elsewhere."""
    return "da" if country.upper() == "DK" else "en"


class Customer(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")

    class VatSituation(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic (Danish VAT)")
        EU_REVERSE_CHARGE = "eu_reverse_charge", _("EU, reverse charge")
        ABROAD = "abroad", _("Abroad (outside the EU)")
        EXEMPT = "exempt", _("Exempt")

    number = models.PositiveIntegerField(_("number"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=255)
    email = models.EmailField(_("email"), blank=True)
    vat_number = models.CharField(
        _("CVR / VAT number"),
        max_length=20,
        blank=True,
        help_text=_("Checked against the customer's country: CVR for Denmark, VAT for the EU."),
    )
    ean = models.CharField(_("EAN"), max_length=13, blank=True, validators=[ean_validate])
    address = models.CharField(_("address"), max_length=255, blank=True)
    zip_code = models.CharField(_("zip code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="DK")
    currency = models.CharField(
        _("currency"), max_length=3, default="DKK", validators=[currency_code_validator]
    )
    payment_condition = models.ForeignKey(
        PaymentCondition, on_delete=models.PROTECT, related_name="customers",
        verbose_name=_("payment condition"),
    )  # fmt: skip
    vat_situation = models.CharField(
        _("VAT situation"), max_length=20, choices=VatSituation.choices,
        default=VatSituation.DOMESTIC,
    )  # fmt: skip
    # The language of its invoices' PDFs (fixed on each at issue). Empty: Danish for a customer
    # in Denmark, English for any other (customer_language).
    language = models.CharField(
        _("language"), max_length=2, blank=True, choices=INVOICE_LANGUAGES,
        help_text=_("The language of the customer's invoices. Empty: Danish for a customer in "
                    "Denmark, English elsewhere."),
    )  # fmt: skip

    class Meta:
        ordering = ["number"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="customer_currency_is_iso_code"
            ),
            models.CheckConstraint(
                condition=~Q(vat_situation="eu_reverse_charge") | ~Q(vat_number=""),
                name="customer_reverse_charge_has_vat_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def invoice_language(self) -> str:
        """The language its invoices are written in: its own, else Danish in Denmark."""
        return self.language or language_for_country(str(self.country))

    def clean(self) -> None:
        super().clean()
        if self.vat_number and self.country:
            try:
                self.vat_number = vat_number_normalize(
                    number=self.vat_number, country=str(self.country)
                )
            except ValidationError as error:
                raise ValidationError({"vat_number": error}) from error
        if self.vat_situation == self.VatSituation.EU_REVERSE_CHARGE and not self.vat_number:
            raise ValidationError(
                {"vat_number": _("An EU customer under reverse charge needs a VAT number.")}
            )


class Project(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=255)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="projects",
                                 verbose_name=_("customer"))  # fmt: skip
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

"""Customers and their projects."""
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField

from accounts_app.models.reference import PaymentCondition
from accounts_app.validators import ean_validate, vat_number_normalize

currency_code_validator = RegexValidator(
    r"^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code in capitals, e.g. DKK or EUR."
)


class Customer(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        PERSON = "person", "Person"

    class VatSituation(models.TextChoices):
        DOMESTIC = "domestic", "Domestic (Danish VAT)"
        EU_REVERSE_CHARGE = "eu_reverse_charge", "EU, reverse charge"
        ABROAD = "abroad", "Abroad (outside the EU)"
        EXEMPT = "exempt", "Exempt"

    number = models.PositiveIntegerField(unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(max_length=255)
    email = models.EmailField(blank=True)
    vat_number = models.CharField(
        "CVR / VAT number",
        max_length=20,
        blank=True,
        help_text="Checked against the customer's country: CVR for Denmark, VAT for the EU.",
    )
    ean = models.CharField("EAN", max_length=13, blank=True, validators=[ean_validate])
    address = models.CharField(max_length=255, blank=True)
    zip_code = models.CharField("zip code", max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = CountryField(default="DK")
    currency = models.CharField(
        max_length=3, default="DKK", validators=[currency_code_validator]
    )
    payment_condition = models.ForeignKey(
        PaymentCondition, on_delete=models.PROTECT, related_name="customers"
    )
    vat_situation = models.CharField(
        "VAT situation", max_length=20, choices=VatSituation.choices, default=VatSituation.DOMESTIC
    )

    class Meta:
        ordering = ["number"]
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
                {"vat_number": "An EU customer under reverse charge needs a VAT number."}
            )


class Project(models.Model):
    number = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=255)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="projects")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

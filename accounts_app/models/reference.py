"""Reference data: how an invoice is priced, taxed, booked and due."""
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from accounts_app.validators import MAX_CREDIT_DAYS


class VatCode(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    rate = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="Percent, e.g. 25.00 for Danish VAT."
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "VAT code"
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="vat_code_rate_is_a_percentage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.rate.normalize():f} %)"


class PaymentCondition(models.Model):
    class Kind(models.TextChoices):
        NET = "net", "Net (issue date + days)"
        CURRENT_MONTH = "current_month", "Current month (end of month + days)"
        CASH = "cash", "Cash"
        PREPAID = "prepaid", "Prepaid"
        DUE_DATE = "due_date", "Due date given on the invoice"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NET)
    days = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(MAX_CREDIT_DAYS)],
        help_text=f"Days of credit, at most {MAX_CREDIT_DAYS}.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["net", "current_month", "cash", "prepaid", "due_date"]),
                name="payment_condition_kind_is_known",
            ),
            models.CheckConstraint(
                condition=Q(days__lte=MAX_CREDIT_DAYS), name="payment_condition_days_bounded"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SalesAccount(models.Model):
    number = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ServiceType(models.Model):
    name = models.CharField(max_length=100, unique=True)
    default_sales_account = models.ForeignKey(
        SalesAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

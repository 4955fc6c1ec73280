"""Reference data: how an invoice is priced, taxed, booked and due."""
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts_app.validators import MAX_CREDIT_DAYS


class VatCode(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rate = models.DecimalField(
        _("rate"), max_digits=5, decimal_places=2,
        help_text=_("Percent, e.g. 25.00 for Danish VAT."),
    )  # fmt: skip

    class Meta:
        ordering = ["code"]
        verbose_name = _("VAT code")
        verbose_name_plural = _("VAT codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="vat_code_rate_is_a_percentage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.rate.normalize():f} %)"


class PaymentCondition(models.Model):
    class Kind(models.TextChoices):
        NET = "net", _("Net (issue date + days)")
        CURRENT_MONTH = "current_month", _("Current month (end of month + days)")
        CASH = "cash", _("Cash")
        PREPAID = "prepaid", _("Prepaid")
        DUE_DATE = "due_date", _("Due date given on the invoice")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NET)
    days = models.PositiveIntegerField(
        _("days"),
        default=0,
        validators=[MaxValueValidator(MAX_CREDIT_DAYS)],
        help_text=format_lazy(_("Days of credit, at most {days}."), days=MAX_CREDIT_DAYS),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("payment condition")
        verbose_name_plural = _("payment conditions")
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
    number = models.PositiveIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["number"]
        verbose_name = _("sales account")
        verbose_name_plural = _("sales accounts")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ServiceType(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    default_sales_account = models.ForeignKey(
        SalesAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("default sales account"),
    )  # fmt: skip
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service type")
        verbose_name_plural = _("service types")

    def __str__(self) -> str:
        return self.name

"""Payments received against invoices."""
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts_app.models.invoices import Invoice
from accounts_app.money import Money


class Payment(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", pgettext_lazy("payment source", "Imported")
        DEMO = "demo", _("Demo data")
        ECONOMIC = "economic", _("e-conomic")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("invoice"))  # fmt: skip
    date = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2,
        help_text=_("Negative for a reversal of a payment."),
    )  # fmt: skip
    source = models.CharField(_("source"), max_length=20, choices=Source.choices,
                              default=Source.MANUAL)  # fmt: skip
    external_reference = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        help_text=_("The payment's id where it came from; a second import of it is refused."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="payment_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(source__in=["manual", "import", "demo", "economic"]),
                name="payment_source_is_known",
            ),
            models.UniqueConstraint(
                fields=["source", "external_reference"],
                condition=~Q(external_reference=""),
                name="payment_recorded_once_per_source_reference",
            ),
        ]
        indexes = [
            # The admin list in its default order (newest first), read backwards, and its date
            # hierarchy's first and last date.
            models.Index(fields=["date", "id"], name="payment_date_id"),
        ]

    def __str__(self) -> str:
        return gettext("%(amount)s on %(invoice)s (%(date)s)") % {
            "amount": Money(self.amount, self.invoice.currency), "invoice": self.invoice,
            "date": date_format(self.date, "SHORT_DATE_FORMAT"),
        }

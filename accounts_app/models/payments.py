"""Payments received against invoices."""
from django.db import models
from django.db.models import Q

from accounts_app.models.invoices import Invoice


class Payment(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        IMPORT = "import", "Imported"
        DEMO = "demo", "Demo data"
        ECONOMIC = "economic", "e-conomic"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField()
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Negative for a reversal of a payment."
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    external_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="The payment's id where it came from; a second import of it is refused.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
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
        return f"{self.amount} on {self.invoice} ({self.date:%Y-%m-%d})"

from __future__ import annotations

from django.db import models


class RemoteKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    PRODUCT = "product", "Product"
    PRODUCT_GROUP = "product_group", "Product group"
    LAYOUT = "layout", "Layout"
    PAYMENT_TERMS = "payment_terms", "Payment terms"
    VAT_ZONE = "vat_zone", "VAT zone"
    VAT_ACCOUNT = "vat_account", "VAT account"
    ACCOUNT = "account", "Account"
    CUSTOMER_GROUP = "customer_group", "Customer group"
    JOURNAL = "journal", "Journal"
    ACCOUNTING_YEAR = "accounting_year", "Accounting year"
    UNIT = "unit", "Unit"
    CURRENCY = "currency", "Currency"


class RemoteRecord(models.Model):
    """A cached copy of one e-conomic reference document, as e-conomic answered it."""

    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="remote_records"
    )
    kind = models.CharField(max_length=20, choices=RemoteKind.choices)
    number = models.CharField(max_length=40, help_text="e-conomic's number or code.")
    name = models.CharField(max_length=255, blank=True)
    # Search columns for the customer picker and auto-matching (lower-cased).
    email = models.CharField(max_length=255, blank=True)
    identification = models.CharField(max_length=40, blank=True, help_text="CVR or VAT number.")
    barred = models.BooleanField(default=False)
    # Records are updated in place, never deleted, so mappings that point at them survive a
    # refresh; one that e-conomic no longer has is kept with present=False and flagged.
    present = models.BooleanField(default=True)
    data = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "e-conomic reference record"
        verbose_name_plural = "e-conomic reference data"
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "number"], name="remote_record_unique_number"
            ),
        ]
        indexes = [
            # The pickers: records of one kind for a connection, searched by name.
            models.Index(fields=["connection", "kind", "name"], name="remote_record_picker"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RemoteKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    PRODUCT = "product", _("Product")
    PRODUCT_GROUP = "product_group", _("Product group")
    LAYOUT = "layout", _("Layout")
    PAYMENT_TERMS = "payment_terms", _("Payment terms")
    VAT_ZONE = "vat_zone", _("VAT zone")
    VAT_ACCOUNT = "vat_account", _("VAT account")
    ACCOUNT = "account", _("Account")
    CUSTOMER_GROUP = "customer_group", _("Customer group")
    JOURNAL = "journal", _("Journal")
    ACCOUNTING_YEAR = "accounting_year", _("Accounting year")
    UNIT = "unit", _("Unit")
    CURRENCY = "currency", _("Currency")


class RemoteRecord(models.Model):
    """A cached copy of one e-conomic reference document, as e-conomic answered it."""

    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="remote_records",
        verbose_name=_("connection")
    )
    kind = models.CharField(max_length=20, choices=RemoteKind.choices, verbose_name=_("kind"))
    number = models.CharField(
        max_length=40, help_text=_("e-conomic's number or code."), verbose_name=_("number")
    )
    name = models.CharField(max_length=255, blank=True, verbose_name=_("name"))
    # Search columns for the customer picker and auto-matching (lower-cased).
    email = models.CharField(max_length=255, blank=True, verbose_name=_("email"))
    identification = models.CharField(
        max_length=40, blank=True, help_text=_("CVR or VAT number."),
        verbose_name=_("identification")
    )
    barred = models.BooleanField(default=False, verbose_name=_("barred"))
    # Records are updated in place, never deleted, so mappings that point at them survive a
    # refresh; one that e-conomic no longer has is kept with present=False and flagged.
    present = models.BooleanField(default=True, verbose_name=_("present"))
    data = models.JSONField(default=dict, verbose_name=_("data"))
    refreshed_at = models.DateTimeField(verbose_name=_("refreshed at"))

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("e-conomic reference record")
        verbose_name_plural = _("e-conomic reference data")
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

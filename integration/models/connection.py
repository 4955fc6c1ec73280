from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integration.crypto import EncryptedTextField


def endpoint_choices() -> list[tuple[str, str]]:
    return [(key, endpoint["label"]) for key, endpoint in settings.ECONOMIC_ENDPOINTS.items()]


class ExportMethod(models.TextChoices):
    DRAFT = "draft", _("Draft invoice (a person books it in e-conomic)")
    BOOKED = "booked", _("Booked invoice (booked at once)")
    VOUCHER = "voucher", _("Journal voucher (customer invoice entry with the PDF)")


class NumberPolicy(models.TextChoices):
    KEEP_BOTH = "keep_both", _("Keep both numberings")
    COPY_BACK = "copy_back", _("Copy e-conomic's number back")
    OURS = "ours", _("Book with our number (we are master)")


class VatRounding(models.TextChoices):
    # e-conomic does not document how it rounds VAT (ADDENDUM §1): learned from its answers.
    UNKNOWN = "unknown", _("Not known yet")
    LINE = "line", _("Per line")
    DOCUMENT = "document", _("Per document and rate")


class FieldPolicy(models.TextChoices):
    OVERWRITE = "overwrite", _("Overwrite fields in e-conomic")
    FILL_EMPTY = "fill_empty", _("Only fill fields that are empty in e-conomic")


class PaymentSync(models.TextChoices):
    OFF = "off", _("Off")
    FULL = "full", _("Full payments only")
    PARTIAL = "partial", _("Full and partial payments")


class Connection(models.Model):
    """One e-conomic agreement, its tokens and how we export to it."""

    name = models.CharField(max_length=100, unique=True)
    endpoint = models.CharField(
        max_length=30,
        help_text=_(
            "Where e-conomic is: only the endpoints allowed in the settings can be chosen."
        ),
    )
    grant_token = EncryptedTextField(
        blank=True, help_text=_("The agreement grant token; stored encrypted, never shown again.")
    )
    active = models.BooleanField(default=True)

    # What "Test connection" read from /self.
    agreement_number = models.PositiveIntegerField(null=True, blank=True, unique=True)
    company_name = models.CharField(max_length=255, blank=True)
    base_currency = models.CharField(max_length=3, blank=True)
    modules = models.JSONField(default=list, blank=True)
    required_roles = models.JSONField(default=list, blank=True)
    tested_at = models.DateTimeField(null=True, blank=True)
    test_error = models.TextField(blank=True)

    export_method = models.CharField(
        max_length=10, choices=ExportMethod.choices, default=ExportMethod.DRAFT
    )
    voucher_journal_number = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The journal that receives vouchers (voucher method).")
    )
    number_policy = models.CharField(
        max_length=10, choices=NumberPolicy.choices, default=NumberPolicy.KEEP_BOTH
    )
    auto_export = models.BooleanField(
        default=False,
        help_text=_(
            "Export each invoice as soon as it is finalized (otherwise: export runs only)."
        ),
    )
    include_pdf = models.BooleanField(default=False, help_text=_("Attach our invoice PDF."))
    book_vouchers = models.BooleanField(
        default=False,
        help_text=_("Book each voucher at once through e-conomic's Journals API (voucher method); "
        "otherwise they wait in the journal for a person."),
    )
    vat_rounding = models.CharField(
        max_length=10, choices=VatRounding.choices, default=VatRounding.UNKNOWN,
        help_text=_("How e-conomic rounds VAT on this agreement, learned from its answers."),
    )  # fmt: skip
    push_on_change = models.BooleanField(
        default=False, help_text=_("Create and update customers and projects as they change here.")
    )
    sync_projects = models.BooleanField(
        default=False, help_text=_("Send projects (needs e-conomic's projects module).")
    )
    field_policy = models.CharField(
        max_length=10, choices=FieldPolicy.choices, default=FieldPolicy.FILL_EMPTY
    )
    payment_sync = models.CharField(
        max_length=10, choices=PaymentSync.choices, default=PaymentSync.FULL
    )
    payments_since = models.DateField(
        default=timezone.localdate, help_text=_(
            "Only payments detected after this date are imported."
        )
    )
    payment_entries_seen = models.PositiveIntegerField(
        default=0, editable=False,
        help_text=_("The newest customer-payment entry an import has read: later ones name the "
        "invoices to look at even where the remainder did not move (a payment reversed and "
        "paid again)."),
    )  # fmt: skip
    error_email = models.EmailField(
        blank=True,
        help_text=_("Receives what a person must act on (failed runs, automatic exports, pushes, "
        "payment imports, ...): at most one digest an hour."),
    )
    alerts_sent_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When the last alert digest went out.")
    )

    default_product_number = models.CharField(max_length=25, blank=True)
    default_layout_number = models.PositiveIntegerField(null=True, blank=True)
    default_payment_terms_number = models.PositiveIntegerField(null=True, blank=True)
    default_vat_zone_number = models.PositiveIntegerField(null=True, blank=True)
    default_customer_group_number = models.PositiveIntegerField(null=True, blank=True)
    private_customer_number = models.PositiveIntegerField(
        _("e-conomic customer card for private persons' invoices"),
        null=True,
        blank=True,
        help_text=_(
            "Invoices of private persons (not linked to a card of their own) go to this one "
            "card, each naming the person as its recipient; no card is made per person. Empty: "
            "each person gets a card."
        ),
    )

    reference_refreshed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(export_method="voucher")
                | models.Q(voucher_journal_number__isnull=False),
                name="connection_voucher_method_has_journal",
                violation_error_message=_("The voucher method needs a journal number."),
            ),
            models.CheckConstraint(
                condition=models.Q(vat_rounding__in=VatRounding.values),
                name="connection_vat_rounding_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def endpoint_config(self) -> dict:
        """The endpoint from the settings' allowlist; one no longer allowed there (the sandbox
        in production) has no URL and no app token, so nothing is sent to it."""
        allowed = settings.ECONOMIC_ENDPOINTS.get(self.endpoint)
        if allowed is not None:
            return allowed
        return {
            "label": _("'%(endpoint)s', an endpoint this installation does not allow")
            % {"endpoint": self.endpoint},
            "rest_url": "",
            "openapi_url": "",
            "app_secret_token": "",
        }

    def has_module(self, name: str) -> bool:
        return any(module.get("name") == name for module in self.modules)

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

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    endpoint = models.CharField(
        max_length=30,
        help_text=_(
            "Where e-conomic is: only the endpoints allowed in the settings can be chosen."
        ),
        verbose_name=_("endpoint"),
    )
    grant_token = EncryptedTextField(
        blank=True, help_text=_("The agreement grant token; stored encrypted, never shown again.")
    )
    active = models.BooleanField(default=True, verbose_name=_("active"))

    # What "Test connection" read from /self.
    agreement_number = models.PositiveIntegerField(
        null=True, blank=True, unique=True, verbose_name=_("agreement number")
    )
    company_name = models.CharField(max_length=255, blank=True, verbose_name=_("company name"))
    base_currency = models.CharField(max_length=3, blank=True, verbose_name=_("base currency"))
    modules = models.JSONField(default=list, blank=True, verbose_name=_("modules"))
    required_roles = models.JSONField(default=list, blank=True, verbose_name=_("required roles"))
    tested_at = models.DateTimeField(null=True, blank=True, verbose_name=_("tested at"))
    test_error = models.TextField(blank=True, verbose_name=_("test error"))

    export_method = models.CharField(
        max_length=10, choices=ExportMethod.choices, default=ExportMethod.DRAFT,
        verbose_name=_("export method")
    )
    voucher_journal_number = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The journal that receives vouchers (voucher method)."),
        verbose_name=_("voucher journal number")
    )
    number_policy = models.CharField(
        max_length=10, choices=NumberPolicy.choices, default=NumberPolicy.KEEP_BOTH,
        verbose_name=_("number policy")
    )
    auto_export = models.BooleanField(
        default=False,
        help_text=_(
            "Export each invoice as soon as it is finalized (otherwise: export runs only)."
        ),
        verbose_name=_("auto export"),
    )
    include_pdf = models.BooleanField(
        default=False, help_text=_("Attach our invoice PDF."), verbose_name=_("include pdf")
    )
    book_vouchers = models.BooleanField(
        default=False,
        help_text=_("Book each voucher at once through e-conomic's Journals API (voucher method); "
        "otherwise they wait in the journal for a person."),
        verbose_name=_("book vouchers"),
    )
    vat_rounding = models.CharField(
        max_length=10, choices=VatRounding.choices, default=VatRounding.UNKNOWN,
        help_text=_("How e-conomic rounds VAT on this agreement, learned from its answers."),
        verbose_name=_("vat rounding"),
    )  # fmt: skip
    push_on_change = models.BooleanField(
        default=False, help_text=_("Create and update customers and projects as they change here."),
        verbose_name=_("push on change")
    )
    sync_projects = models.BooleanField(
        default=False, help_text=_("Send projects (needs e-conomic's projects module)."),
        verbose_name=_("sync projects")
    )
    field_policy = models.CharField(
        max_length=10, choices=FieldPolicy.choices, default=FieldPolicy.FILL_EMPTY,
        verbose_name=_("field policy")
    )
    payment_sync = models.CharField(
        max_length=10, choices=PaymentSync.choices, default=PaymentSync.FULL,
        verbose_name=_("payment sync")
    )
    payments_since = models.DateField(
        default=timezone.localdate, help_text=_(
            "Only payments detected after this date are imported."
        ),
        verbose_name=_("payments since")
    )
    payment_entries_seen = models.PositiveIntegerField(
        default=0, editable=False,
        help_text=_("The newest customer-payment entry an import has read: later ones name the "
        "invoices to look at even where the remainder did not move (a payment reversed and "
        "paid again)."),
        verbose_name=_("payment entries seen"),
    )  # fmt: skip
    error_email = models.EmailField(
        blank=True,
        help_text=_("Receives what a person must act on (failed runs, automatic exports, pushes, "
        "payment imports, ...): at most one digest an hour."),
        verbose_name=_("error email"),
    )
    alerts_sent_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When the last alert digest went out."),
        verbose_name=_("alerts sent at")
    )

    default_product_number = models.CharField(
        max_length=25, blank=True, verbose_name=_("default product number")
    )
    default_layout_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("default layout number")
    )
    default_payment_terms_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("default payment terms number")
    )
    default_vat_zone_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("default vat zone number")
    )
    default_customer_group_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("default customer group number")
    )
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

    reference_refreshed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("reference refreshed at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
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

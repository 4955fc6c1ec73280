"""Payments coming back from e-conomic.

A `PaymentImport` is one look at e-conomic for a connection (daily, on demand or rung by a
webhook) with what it found. A `SyncedPayment` is one change of an invoice's paid amount that
e-conomic told us about: cash (mirrored as a ledger Payment) or a credit note settled against
the invoice (no cash, so no Payment). Its `reference` is derived from what e-conomic showed
(booked number, reversals so far, amount settled), so a second run, or a run racing this one,
arrives at the same key and changes nothing. A payment read from its customer-payment entry
(ADDENDUM §4) keeps the entry's number in its reference, with e-conomic's date, voucher and amount
in base currency; each later edit, deletion or reversal of it in e-conomic is a `PaymentChange`,
one row in words, numbered per payment so that two imports seeing the same edit record it once.
The webhook that rings an import is in `webhooks.py`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportTrigger(models.TextChoices):
    DAILY = "daily", _("Daily schedule")
    MANUAL = "manual", _("On demand")
    WEBHOOK = "webhook", _("Webhook")


class ImportState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped: another import of this connection was running")


class PaymentImport(models.Model):
    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="payment_imports",
        verbose_name=_("connection")
    )
    trigger = models.CharField(
        max_length=10, choices=ImportTrigger.choices, verbose_name=_("trigger")
    )
    state = models.CharField(
        max_length=10, choices=ImportState.choices, default=ImportState.RUNNING,
        verbose_name=_("state")
    )
    started = models.DateTimeField(auto_now_add=True, verbose_name=_("started"))
    finished = models.DateTimeField(null=True, blank=True, verbose_name=_("finished"))
    checked = models.PositiveIntegerField(default=0, verbose_name=_("checked"))
    paid = models.PositiveIntegerField(default=0, verbose_name=_("paid"))
    partial = models.PositiveIntegerField(default=0, verbose_name=_("partial"))
    reversed = models.PositiveIntegerField(default=0, verbose_name=_("reversed"))
    changed = models.PositiveIntegerField(
        default=0,
        help_text=_("Payments edited in e-conomic since the last look (amount or date)."),
        verbose_name=_("changed")
    )
    unchanged = models.PositiveIntegerField(default=0, verbose_name=_("unchanged"))
    skipped = models.PositiveIntegerField(default=0, verbose_name=_("skipped"))
    api_calls = models.PositiveIntegerField(default=0, verbose_name=_("api calls"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    warnings = models.TextField(blank=True, verbose_name=_("warnings"))
    needs_person = models.TextField(
        blank=True,
        help_text=_(
            "The invoices only a person can sort out, one a line (also among the warnings): "
            "a payment in another currency than the invoice's, a payment on an invoice never "
            "exported from here. Nothing was changed for them."
        ),
        verbose_name=_("needs person"),
    )

    class Meta:
        verbose_name = _("payment import")
        verbose_name_plural = _("payment imports")
        ordering = ["-started", "-id"]
        constraints = [
            # The per-connection lock: a second import inserting a running row fails here.
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(state="running"),
                name="payment_import_one_running_per_connection",
            ),
        ]

    def __str__(self) -> str:
        return _("Payment import %(id)s (%(state)s)") % {
            "id": self.pk, "state": self.get_state_display()
        }

    @property
    def ok(self) -> bool:
        return self.state == ImportState.DONE


class SyncedPaymentState(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVERSED = "reversed", _("Reversed")


class SyncedPaymentKind(models.TextChoices):
    CASH = "cash", _("Cash payment")
    CREDIT_NOTE = "credit_note", _("Settled by a credit note")


class SyncedPayment(models.Model):
    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="synced_payments",
        verbose_name=_("connection")
    )
    invoice = models.ForeignKey(
        "accounts_app.Invoice", on_delete=models.PROTECT, related_name="synced_payments",
        verbose_name=_("invoice")
    )
    payment = models.OneToOneField(
        "accounts_app.Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="synced",
        help_text=_("The ledger payment (none for a credit-note settlement, which is not cash)."),
        verbose_name=_("payment"),
    )
    payment_import = models.ForeignKey(
        PaymentImport, null=True, on_delete=models.SET_NULL, related_name="synced_payments",
        verbose_name=_("payment import")
    )
    booked_number = models.PositiveIntegerField(verbose_name=_("booked number"))
    reference = models.CharField(max_length=100, verbose_name=_("reference"))
    amount = models.DecimalField(max_digits=14, decimal_places=2, verbose_name=_("amount"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    detected_at = models.DateTimeField(auto_now_add=True, verbose_name=_("detected at"))
    state = models.CharField(
        max_length=10, choices=SyncedPaymentState.choices, default=SyncedPaymentState.ACTIVE,
        verbose_name=_("state")
    )
    kind = models.CharField(
        max_length=12, choices=SyncedPaymentKind.choices, default=SyncedPaymentKind.CASH,
        verbose_name=_("kind")
    )
    reversed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reversed at"))
    entry_number = models.PositiveIntegerField(
        null=True, blank=True,
        help_text=_("The customer-payment entry in e-conomic (none where only a remainder told)."),
        verbose_name=_("entry number"),
    )  # fmt: skip
    paid_on = models.DateField(
        null=True, blank=True, help_text=_("The entry's date in e-conomic."),
        verbose_name=_("paid on")
    )
    voucher_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("voucher number")
    )
    # From e-conomic's payment entry (its amountInBaseCurrency), when the import reads entries:
    # empty until then, never estimated here.
    amount_in_base_currency = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("What the payment was worth in the base currency, as e-conomic booked it."),
        verbose_name=_("amount in base currency"),
    )  # fmt: skip
    exchange_difference = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("The amount in base currency less the same amount at the invoice's booked "
        "rate: a gain when positive. Empty while either is unknown."),
        verbose_name=_("exchange difference"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("synced payment")
        verbose_name_plural = _("synced payments")
        ordering = ["-detected_at", "-id"]
        # For the reversal count of one e-conomic invoice when a payment's reference is made.
        indexes = [
            models.Index(fields=["connection", "booked_number"], name="synced_payment_booked"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "reference"], name="synced_payment_once_per_reference"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="synced_payment_positive"),
            models.CheckConstraint(
                condition=Q(kind="credit_note") | Q(payment__isnull=False),
                name="synced_cash_payment_has_ledger_payment",
            ),
        ]

    def __str__(self) -> str:
        return _("%(amount)s %(currency)s on e-conomic invoice %(number)s") % {
            "amount": self.amount, "currency": self.currency, "number": self.booked_number
        }


class PaymentChangeKind(models.TextChoices):
    CHANGED = "changed", _("Amount or date changed in e-conomic")
    DELETED = "deleted", _("Deleted in e-conomic")
    REVERSED = "reversed", _("Reversed in e-conomic")


class PaymentChange(models.Model):
    """What e-conomic's bookkeeper did to a payment we had recorded, said in words."""

    synced_payment = models.ForeignKey(
        SyncedPayment, on_delete=models.CASCADE, related_name="changes",
        verbose_name=_("synced payment")
    )
    payment_import = models.ForeignKey(
        PaymentImport, null=True, on_delete=models.SET_NULL, related_name="payment_changes",
        verbose_name=_("payment import")
    )
    sequence = models.PositiveIntegerField(verbose_name=_("sequence"))
    kind = models.CharField(
        max_length=10, choices=PaymentChangeKind.choices, verbose_name=_("kind")
    )
    description = models.CharField(max_length=300, verbose_name=_("description"))
    seen_at = models.DateTimeField(auto_now_add=True, verbose_name=_("seen at"))

    class Meta:
        verbose_name = _("payment change")
        verbose_name_plural = _("payment changes")
        ordering = ["synced_payment", "sequence"]
        constraints = [
            # Two imports that see the same edit make the same sequence number: one is kept.
            models.UniqueConstraint(
                fields=["synced_payment", "sequence"], name="payment_change_once_per_sequence"
            ),
        ]

    def __str__(self) -> str:
        return self.description


"""The webhook e-conomic calls when an invoice or a day book is booked.

A `PaymentWebhook` is one secret of a connection's webhook URLs, kept only as its SHA-256. The
current one has no end; one replaced by newer URLs stays valid until `valid_until` (24 hours),
so that e-conomic's calls keep arriving while a person puts the new URLs into its settings.
A `WebhookDelivery` is the last call per connection and event: when, what became of it, and
whether it came through a replaced URL (e-conomic still has that one).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentWebhook(models.Model):
    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="payment_webhooks",
        verbose_name=_("connection")
    )
    secret_hash = models.CharField(max_length=64, unique=True, verbose_name=_("secret hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    valid_until = models.DateTimeField(
        null=True, blank=True, help_text=_("Empty for the current URLs; set when replaced."),
        verbose_name=_("valid until")
    )

    class Meta:
        verbose_name = _("payment webhook")
        verbose_name_plural = _("payment webhooks")
        constraints = [
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(valid_until__isnull=True),
                name="payment_webhook_one_current_per_connection",
            ),
        ]

    def __str__(self) -> str:
        return _("Webhook of %(connection)s") % {"connection": self.connection}


class WebhookEvent(models.TextChoices):
    INVOICE_BOOKED = "invoice-booked", _("Invoice booked")
    DAY_BOOK_BOOKED = "day-book-booked", _("Day book booked")
    OTHER = "other", _("Another or no event")


class DeliveryOutcome(models.TextChoices):
    QUEUED = "queued", _("Payment check queued")
    RATE_LIMITED = "rate_limited", _("Rate limited (a check was already queued)")


class WebhookDelivery(models.Model):
    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="webhook_deliveries",
        verbose_name=_("connection")
    )
    event = models.CharField(max_length=20, choices=WebhookEvent.choices, verbose_name=_("event"))
    received_at = models.DateTimeField(verbose_name=_("received at"))
    outcome = models.CharField(
        max_length=20, choices=DeliveryOutcome.choices, verbose_name=_("outcome")
    )
    by_replaced_url = models.BooleanField(
        default=False, help_text=_(
            "It came through URLs since replaced: e-conomic still has those."
        ),
        verbose_name=_("by replaced url")
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "event"], name="webhook_delivery_last_per_event"
            ),
            models.CheckConstraint(
                condition=Q(event__in=WebhookEvent.values), name="webhook_delivery_event_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=DeliveryOutcome.values),
                name="webhook_delivery_outcome_known",
            ),
        ]

    def __str__(self) -> str:
        return _("%(event)s at %(time)s") % {
            "event": self.get_event_display(), "time": f"{self.received_at:%Y-%m-%d %H:%M}"
        }

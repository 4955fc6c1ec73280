"""The webhook e-conomic calls when an invoice is booked or a day book (payments) is booked.

Its URL carries a random secret per connection; only the secret's SHA-256 is stored, and the
comparison is in constant time. New URLs replace the current ones only when a person confirms,
and the replaced ones keep working for REPLACED_URLS_VALID (24 hours): e-conomic calls the URLs
in its settings until a person pastes the new ones there, and a call lost in between would be a
payment found only by the next daily import. Calls are rate limited per connection per minute
in the cache: e-conomic fires one call per changed resource, possibly hundreds within seconds
(REFERENCE §6.5), and one import covers them all; the daily run stays the safety net. The last
call per event is kept, so the connection's page shows whether e-conomic is calling.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from integration.models import (
    Connection,
    DeliveryOutcome,
    ImportTrigger,
    PaymentWebhook,
    WebhookDelivery,
    WebhookEvent,
)
from integration.services.payments.config import payments_setting
from integration.services.payments.imports import payments_import_queue

REPLACED_URLS_VALID = datetime.timedelta(hours=24)
# e-conomic's classic webhooks by their names in its settings, with the merge fields it fills in
# (REFERENCE §6.5): the booked invoice's number, or the day book's serial numbers. The names are
# e-conomic's own, sent to it as they are, so they stay untranslated.
WEBHOOK_EVENTS = {
    "Invoice booked": (
        f"event={WebhookEvent.INVOICE_BOOKED.value}&invoice=[INVOICENO]"
    ),
    "Day book booked": (
        f"event={WebhookEvent.DAY_BOOK_BOOKED.value}"
        "&daybook=[DAYBOOKNO]&from=[FROMSERIALNO]&to=[TOSERIALNO]"
    ),
}


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def payment_webhook_create(*, connection: Connection) -> str:
    """A new secret for the connection; answers the URL path to give e-conomic. The current
    secret, if any, stays valid for REPLACED_URLS_VALID; those past their time are removed. The
    new secret is shown this once and never stored."""
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        webhooks = PaymentWebhook.objects.filter(connection=connection)
        webhooks.filter(valid_until__lte=now).delete()
        webhooks.filter(valid_until=None).update(valid_until=now + REPLACED_URLS_VALID)
        PaymentWebhook.objects.create(connection=connection, secret_hash=_digest(secret))
    return reverse("integration:economic-webhook", args=[connection.pk, secret])


def payment_webhook_urls(*, connection: Connection, site_url: str) -> dict[str, str]:
    """A new secret for the connection and the URL to give e-conomic for each event, by the
    event's name in e-conomic's webhook settings. Earlier URLs work for another 24 hours."""
    path = payment_webhook_create(connection=connection)
    return {
        event: f"{site_url.rstrip('/')}{path}?{query}" for event, query in WEBHOOK_EVENTS.items()
    }


def payment_webhook_find(*, connection_id: int, secret: str) -> PaymentWebhook | None:
    """The connection's webhook (current, or replaced and still valid) whose secret this is, or
    None. Every valid one is compared, each in constant time, so the time taken does not say
    which matched or how far."""
    candidates = list(
        PaymentWebhook.objects.select_related("connection").filter(
            Q(valid_until=None) | Q(valid_until__gt=timezone.now()), connection_id=connection_id
        )
    )
    offered = _digest(secret)
    found = None
    for webhook in candidates or [PaymentWebhook(secret_hash=_digest("no webhook"))]:
        if hmac.compare_digest(webhook.secret_hash, offered) and webhook.pk is not None:
            found = webhook
    return found


def payment_webhook_receive(*, webhook: PaymentWebhook, event: str, invoice_number: str) -> bool:
    """Queue the check a webhook asks for: the named invoice when one was booked, every
    exported invoice when a day book (payments) was booked, and keep the call as the event's
    last delivery. Answers False when rate limited."""
    connection = webhook.connection
    queued = _within_rate(connection)
    if queued:
        number = _booked_number(invoice_number) if event == WebhookEvent.INVOICE_BOOKED else None
        numbers = [number] if number else None
        payments_import_queue(connection=connection, trigger=ImportTrigger.WEBHOOK, numbers=numbers)
    WebhookDelivery.objects.update_or_create(
        connection=connection,
        event=event if event in WebhookEvent.values else WebhookEvent.OTHER,
        defaults={
            "received_at": timezone.now(),
            "outcome": DeliveryOutcome.QUEUED if queued else DeliveryOutcome.RATE_LIMITED,
            "by_replaced_url": webhook.valid_until is not None,
        },
    )
    return queued


def payment_webhook_state(*, connection: Connection) -> list[str]:
    """The connection's webhook URLs in words: when made, until when replaced ones work."""
    lines = []
    for webhook in PaymentWebhook.objects.filter(connection=connection).order_by("-created_at"):
        made = f"{timezone.localtime(webhook.created_at):%Y-%m-%d %H:%M}"
        if webhook.valid_until is None:
            lines.append(_("Current URLs, created %(made)s.") % {"made": made})
        elif webhook.valid_until > timezone.now():
            until = timezone.localtime(webhook.valid_until)
            lines.append(
                _("Replaced URLs, created %(made)s, still work until %(until)s.")
                % {"made": made, "until": f"{until:%Y-%m-%d %H:%M}"}
            )
    return lines or [_("None yet: the action \"Create webhook URLs for payments\" makes them.")]


def webhook_deliveries_described(*, connection: Connection) -> list[str]:
    """The last call per event, in words, with what to do when it came by a replaced URL; an
    event e-conomic has not called yet says so."""
    deliveries = {
        delivery.event: delivery
        for delivery in WebhookDelivery.objects.filter(connection=connection)
    }
    lines = []
    for event in WebhookEvent:
        delivery = deliveries.get(event.value)
        if delivery is None:
            if event != WebhookEvent.OTHER:
                lines.append(_("%(event)s: no call yet.") % {"event": event.label})
            continue
        line = (
            f"{event.label}: {timezone.localtime(delivery.received_at):%Y-%m-%d %H:%M}, "
            f"{delivery.get_outcome_display()}"
        )
        if delivery.by_replaced_url:
            line += _("; through replaced URLs: put the new ones into e-conomic's webhook settings")
        lines.append(line + ".")
    return lines


def _booked_number(text: str) -> int | None:
    # isdigit() alone accepts "²" and other Unicode digits that int() refuses; e-conomic's
    # booked invoice numbers are at most nine ASCII digits. Anything else checks every invoice.
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return None


def _within_rate(connection: Connection) -> bool:
    key = f"economic-webhook:{connection.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    return cache.incr(key) <= payments_setting("webhooks_per_minute")

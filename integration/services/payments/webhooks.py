"""The webhook e-conomic calls when an invoice is booked or a day book (payments) is booked.

Its URL carries a random secret per connection; only the secret's SHA-256 is stored, and the
comparison is in constant time. Calls are rate limited per connection per minute in the cache:
e-conomic fires one call per changed resource, possibly hundreds within seconds (REFERENCE
§6.5), and one import covers them all; the daily run stays the safety net.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.core.cache import cache
from django.urls import reverse

from integration.models import Connection, ImportTrigger, PaymentWebhook
from integration.services.payments.config import payments_setting
from integration.services.payments.imports import payments_import_queue

INVOICE_BOOKED = "invoice-booked"
DAY_BOOK_BOOKED = "day-book-booked"
# e-conomic's classic webhooks by their names in its settings, with the merge fields it fills in
# (REFERENCE §6.5): the booked invoice's number, or the day book's serial numbers.
WEBHOOK_EVENTS = {
    "Invoice booked": f"event={INVOICE_BOOKED}&invoice=[INVOICENO]",
    "Day book booked": (
        f"event={DAY_BOOK_BOOKED}&daybook=[DAYBOOKNO]&from=[FROMSERIALNO]&to=[TOSERIALNO]"
    ),
}


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def payment_webhook_create(*, connection: Connection) -> str:
    """A new secret for the connection (replacing any earlier one); answers the URL path to give
    e-conomic. The secret is shown this once and never stored."""
    secret = secrets.token_urlsafe(32)
    PaymentWebhook.objects.update_or_create(
        connection=connection, defaults={"secret_hash": _digest(secret)}
    )
    return reverse("integration:economic-webhook", args=[connection.pk, secret])


def payment_webhook_urls(*, connection: Connection, site_url: str) -> dict[str, str]:
    """A new secret for the connection and the URL to give e-conomic for each event, by the
    event's name in e-conomic's webhook settings. Earlier URLs stop working."""
    path = payment_webhook_create(connection=connection)
    return {
        event: f"{site_url.rstrip('/')}{path}?{query}" for event, query in WEBHOOK_EVENTS.items()
    }


def payment_webhook_find(*, connection_id: int, secret: str) -> Connection | None:
    """The connection whose webhook secret this is, or None."""
    webhook = (
        PaymentWebhook.objects.select_related("connection")
        .filter(connection_id=connection_id)
        .first()
    )
    expected = webhook.secret_hash if webhook else _digest("no webhook")
    matches = hmac.compare_digest(expected, _digest(secret))
    return webhook.connection if webhook and matches else None


def payment_webhook_receive(*, connection: Connection, event: str, invoice_number: str) -> bool:
    """Queue the check a webhook asks for: the named invoice when one was booked, every
    exported invoice when a day book (payments) was booked. Answers False when rate limited."""
    if not _within_rate(connection):
        return False
    number = _booked_number(invoice_number) if event == INVOICE_BOOKED else None
    numbers = [number] if number else None
    payments_import_queue(connection=connection, trigger=ImportTrigger.WEBHOOK, numbers=numbers)
    return True


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

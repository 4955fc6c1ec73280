"""e-conomic's classic webhooks (REFERENCE §6.5): per agreement, URLs with merge fields that are
called when an event happens, e.g. "Invoice booked" with `[INVOICENO]` or "Day book booked"
with `[DAYBOOKNO]`, `[FROMSERIALNO]`, `[TOSERIALNO]`.

Resources call `notify(agreement, "Invoice booked", INVOICENO=31)` while they handle a request;
delivery happens afterwards in a background thread: a POST without a body to the URL with the
merge fields filled in (URL-encoded), retried on a connection error or a non-2xx answer after
0.2 s, 1 s and 3 s (four attempts in all). e-conomic documents neither the HTTP method nor the
retry count; those are sandbox choices (README). Every delivery is recorded and can be read
through `GET /_sandbox/webhooks/deliveries`.
"""
from __future__ import annotations

import datetime
import itertools
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from urllib.parse import quote

from economic_sandbox.state import Agreement

EVENTS = {
    "Invoice booked": ("INVOICENO",),
    "Day book booked": ("DAYBOOKNO", "FROMSERIALNO", "TOSERIALNO"),
    "Customer updated": ("NEWNUMBER", "OLDNUMBER"),
    "Product updated": ("NEWNUMBER", "OLDNUMBER"),
    "Project updated": ("NEWNUMBER", "OLDNUMBER"),
}
RETRY_DELAYS = (0.2, 1.0, 3.0)
TIMEOUT_SECONDS = 5.0


def notify(agreement: Agreement, event: str, **merge_fields) -> None:
    """Fire `event` for `agreement`: every webhook of that event is called in the background.
    Call it from a handler once the change is made; it never blocks and never raises for a
    delivery problem. Unknown events raise ValueError (a programming error)."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}; known: {', '.join(EVENTS)}.")
    if agreement.notifier is not None:
        agreement.notifier(agreement, event, merge_fields)


def expand(url: str, merge_fields: dict) -> str:
    for name, value in merge_fields.items():
        url = url.replace(f"[{name}]", quote(str(value), safe=""))
    return url


def check_webhook(webhook: dict) -> dict:
    """A configured webhook `{"event": ..., "url": ...}`; ValueError when it is not usable."""
    event, url = webhook.get("event"), str(webhook.get("url", ""))
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}; known: {', '.join(EVENTS)}.")
    if not url.startswith(("http://", "https://")):
        raise ValueError("A webhook url starts with http:// or https://.")
    return {"event": event, "url": url}


class WebhookDispatcher:
    """Sends deliveries, one short-lived thread each (events are rare), and records them."""

    def __init__(self, retry_delays=RETRY_DELAYS, timeout: float = TIMEOUT_SECONDS):
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.records: deque[dict] = deque(maxlen=10_000)
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def __call__(self, agreement: Agreement, event: str, merge_fields: dict) -> None:
        for webhook in agreement.webhooks:
            if webhook["event"] == event:
                record = self._record(agreement.number, event, webhook["url"], merge_fields)
                threading.Thread(target=self._deliver, args=(record,), daemon=True,
                                 name="economic-sandbox-webhook").start()

    def _record(self, agreement_number: int, event: str, template: str, fields: dict) -> dict:
        with self.lock:
            record = {"id": next(self.ids), "agreement": agreement_number, "event": event,
                      "url": expand(template, fields), "mergeFields": dict(fields),
                      "status": "pending", "attempts": 0, "responseStatus": None, "error": "",
                      "created": _now()}
            self.records.append(record)
        return record

    def _deliver(self, record: dict) -> None:
        for delay in (0.0, *self.retry_delays):
            time.sleep(delay)
            status, error = self._attempt(record["url"])
            with self.lock:
                record.update(attempts=record["attempts"] + 1, responseStatus=status, error=error)
                if status is not None and 200 <= status < 300:
                    record.update(status="delivered", delivered=_now())
                    return
        with self.lock:
            record["status"] = "failed"

    def _attempt(self, url: str) -> tuple[int | None, str]:
        request = urllib.request.Request(url, data=b"", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return answer.status, ""
        except urllib.error.HTTPError as error:
            return error.code, f"HTTP {error.code}"
        except (OSError, ValueError) as error:
            return None, str(error)

    def deliveries(self, since_id: int = 0, agreement: int | None = None) -> list[dict]:
        with self.lock:
            return [dict(record) for record in self.records if record["id"] > since_id
                    and (agreement is None or record["agreement"] == agreement)]

    def clear(self) -> None:
        with self.lock:
            self.records.clear()


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")

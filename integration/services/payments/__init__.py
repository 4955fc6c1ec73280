"""Payments from e-conomic: the import (daily, on demand, by webhook), its schedules and the
webhook's secret. See scan.py for how changes are found and ledger.py for how they are applied."""

from integration.services.payments.imports import payments_import, payments_import_queue
from integration.services.payments.schedules import (
    payment_schedule_name,
    payment_schedule_sync,
    payment_schedules_sync,
)
from integration.services.payments.webhooks import (
    payment_webhook_create,
    payment_webhook_find,
    payment_webhook_receive,
    payment_webhook_state,
    payment_webhook_urls,
    webhook_deliveries_described,
)

__all__ = [
    "payment_schedule_name",
    "payment_schedule_sync",
    "payment_schedules_sync",
    "payment_webhook_create",
    "payment_webhook_find",
    "payment_webhook_receive",
    "payment_webhook_state",
    "payment_webhook_urls",
    "webhook_deliveries_described",
    "payments_import",
    "payments_import_queue",
]

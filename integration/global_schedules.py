"""The global django-q2 schedules (the daily reference refresh, the outbox sweep, the alert
digests, the worker heartbeat, the daily reconciliation after the payment import, and through
services/payments/schedules.py each connection's payment import), created by name and kept as
the code says after every migrate (never in AppConfig.ready(), which must not touch the
database)."""

from __future__ import annotations

from django.conf import settings
from django_q.models import Schedule

from integration.services.enqueue import (
    ALERTS_DIGEST_ALL_TASK,
    EXPORTS_SWEEP_TASK,
    RECONCILE_ALL_TASK,
    REFERENCE_REFRESH_ALL_TASK,
    WORKER_HEARTBEAT_TASK,
)

REFERENCE_REFRESH = "e-conomic: refresh reference data (daily)"
EXPORTS_SWEEP = "e-conomic: sweep the export outbox (every minute)"
ALERTS_DIGEST = "e-conomic: send the alert digests (at most one a connection an hour)"
WORKER_HEARTBEAT = "e-conomic: worker heartbeat (every minute)"
RECONCILE = "e-conomic: reconcile exported documents (daily, after the payment import)"


def schedules_ensure(**_signal_arguments) -> None:
    _every(REFERENCE_REFRESH, REFERENCE_REFRESH_ALL_TASK, schedule_type=Schedule.CRON,
           cron="0 6 * * *")  # fmt: skip
    # The outbox's safety net: lost tasks and expired leases are picked up within a minute.
    _every(EXPORTS_SWEEP, EXPORTS_SWEEP_TASK, schedule_type=Schedule.MINUTES, minutes=1)
    # Each connection gets at most one digest an hour (alerts_digest_send claims the hour);
    # looking every five minutes sends the waiting ones soon after their hour is up, where an
    # hourly schedule that fell a few seconds short of the last digest would wait two.
    _every(ALERTS_DIGEST, ALERTS_DIGEST_ALL_TASK, schedule_type=Schedule.MINUTES, minutes=5)
    # What "a worker seen within two minutes" is measured by (health endpoint, alerts).
    _every(WORKER_HEARTBEAT, WORKER_HEARTBEAT_TASK, schedule_type=Schedule.MINUTES, minutes=1)
    reconcile_schedule_ensure()
    payment_schedules_ensure()


def _every(name: str, func: str, **timing) -> None:
    """The schedule of this name, repeating for ever, as the code says."""
    Schedule.objects.update_or_create(name=name, defaults={"func": func, "repeats": -1, **timing})


def reconcile_schedule_ensure() -> None:
    cron = settings.ECONOMIC_RECONCILE_CRON
    # django-q2 computes a cron's next run in TIME_ZONE only when a schedule is first saved;
    # computed here, a changed hour takes effect at once (as for the payment import).
    Schedule.objects.update_or_create(
        name=RECONCILE,
        defaults={
            "func": RECONCILE_ALL_TASK, "schedule_type": Schedule.CRON, "cron": cron,
            "repeats": -1,
            "next_run": Schedule(schedule_type=Schedule.CRON, cron=cron).calculate_next_run(),
        },
    )  # fmt: skip


def payment_schedules_ensure(**_signal_arguments) -> None:
    """After migrate: each connection's daily payment import as its settings say."""
    from integration.services.payments import payment_schedules_sync

    payment_schedules_sync()

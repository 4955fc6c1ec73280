"""What the health endpoint checks beyond the database: each function answers "" when all is
well, or one sentence for staff saying what is wrong. No sentence names a customer, an amount or
a secret: at most a count and the connections' own names."""

from __future__ import annotations

import datetime

from django.db.models import Max, Q
from django.utils import timezone
from django_q.brokers import get_broker

from integration.models import Connection, ExportJob, ImportState, JobState, PaymentImport
from integration.models.connection import PaymentSync
from integration.services.payments.config import payments_setting
from integration.services.workers import (
    worker_last_seen,
    worker_seen_recently,
    workers_not_seen_alert,
)

PAYMENT_IMPORT_AGE = datetime.timedelta(hours=26)
REFERENCE_AGE = datetime.timedelta(days=2)
SWEEP_GRACE = datetime.timedelta(minutes=2)


def broker_problem() -> str:
    try:
        answered = get_broker().ping()
    except Exception:  # any client's error: the broker is what does not answer
        answered = False
    return "" if answered else "The task broker does not answer."


def worker_problem() -> str:
    """No worker ran the heartbeat for two minutes: tell the error addresses from here, since
    no worker can."""
    if worker_seen_recently():
        return ""
    workers_not_seen_alert()
    seen = worker_last_seen()
    return f"No worker seen since {seen:%Y-%m-%d %H:%M:%S} UTC." if seen else "No worker seen."


def payment_import_problem() -> str:
    """Every connection that imports payments finished one within 26 hours (a connection
    younger than that is given its first day)."""
    cutoff = timezone.now() - PAYMENT_IMPORT_AGE
    importing = Connection.objects.filter(active=True, created_at__lt=cutoff).exclude(
        payment_sync=PaymentSync.OFF
    )
    late = importing.annotate(
        last=Max("payment_imports__finished", filter=Q(payment_imports__state=ImportState.DONE))
    ).filter(Q(last=None) | Q(last__lt=cutoff))
    names = sorted(late.values_list("name", flat=True))
    return f"No payment import finished within 26 hours: {', '.join(names)}." if names else ""


def lease_problem() -> str:
    """No export job or payment import still in flight past its lease (its worker is gone and
    nothing has picked it up). A job's lease may run out a minute before the sweeper, which runs
    every minute, turns it into a lookup: only one past it by more than that counts."""
    now = timezone.now()
    jobs = ExportJob.objects.filter(
        state=JobState.IN_FLIGHT, lease_until__lt=now - SWEEP_GRACE
    ).count()  # fmt: skip
    lease = datetime.timedelta(seconds=payments_setting("lease_seconds", 3600))
    imports = PaymentImport.objects.filter(
        state=ImportState.RUNNING, started__lt=now - lease
    ).count()  # fmt: skip
    if not jobs and not imports:
        return ""
    return f"In flight past their lease: {jobs} export jobs, {imports} payment imports."


def reference_problem() -> str:
    """Every tested connection's reference data was read within two days."""
    stale = Connection.objects.filter(active=True, tested_at__isnull=False).filter(
        Q(reference_refreshed_at=None)
        | Q(reference_refreshed_at__lt=timezone.now() - REFERENCE_AGE)
    )
    names = sorted(stale.values_list("name", flat=True))
    return f"Reference data older than two days: {', '.join(names)}." if names else ""

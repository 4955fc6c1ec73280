"""Whether a django-q2 worker is taking tasks: a heartbeat task every minute records it.

The heartbeat runs as any task does (the scheduler queues it, a worker takes it from the broker),
so a fresh one shows that the scheduler, the broker and a worker all work. When none is fresh,
no worker can send the "worker not seen" alert; the health endpoint, which monitors call,
raises it and sends the digest itself.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from integration.models import Alert, AlertKind, Connection, WorkerHeartbeat
from integration.services.alerts import admin_url, alert_raise, alerts_digest_send

WORKER_PATIENCE = datetime.timedelta(minutes=2)
WORKER_ALERT_KEY = "worker heartbeat"


def worker_heartbeat_record() -> WorkerHeartbeat:
    """A worker ran this: keep the time, and close any "worker not seen" alert."""
    now = timezone.now()
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        cluster=settings.Q_CLUSTER["name"], defaults={"seen": now}
    )
    Alert.objects.filter(kind=AlertKind.WORKER_NOT_SEEN, resolved=None).update(resolved=now)
    return beat


def worker_last_seen() -> datetime.datetime | None:
    return WorkerHeartbeat.objects.aggregate(last=Max("seen"))["last"]


def worker_seen_recently() -> bool:
    seen = worker_last_seen()
    return seen is not None and timezone.now() - seen <= WORKER_PATIENCE


def workers_not_seen_alert() -> int:
    """Tell every active connection's error address that no worker ran for two minutes, sent
    from here since no worker can send it. Answers how many digests went."""
    seen = worker_last_seen()
    text = (
        _("No task worker has run since %(seen)s: exports, payment imports and schedules wait.")
        % {"seen": f"{timezone.localtime(seen):%Y-%m-%d %H:%M}"}
        if seen
        else _("No task worker has run ever: exports, payment imports and schedules wait.")
    )
    sent = 0
    for connection in Connection.objects.filter(active=True).exclude(error_email=""):
        alert_raise(
            connection=connection, kind=AlertKind.WORKER_NOT_SEEN, key=WORKER_ALERT_KEY,
            text=text,
            fix=_("Start the workers (`manage.py qcluster`, or `make run`) and check that the "
                  "broker (the database or Redis) answers."),
            url=admin_url("index"),
        )  # fmt: skip
        sent += alerts_digest_send(connection=connection)
    return sent

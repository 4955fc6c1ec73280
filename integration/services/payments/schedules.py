"""One django-q2 schedule per connection with payment sync on, kept in step with the connection
on every save (never in AppConfig.ready(), which must not touch the database)."""

from __future__ import annotations

from django_q.models import Schedule

from integration.models import Connection
from integration.models.connection import PaymentSync
from integration.services.enqueue import PAYMENTS_IMPORT_TASK
from integration.services.payments.config import payments_setting


def payment_schedule_name(*, connection: Connection) -> str:
    return f"e-conomic: import payments of connection {connection.pk} (daily)"


def payment_schedule_sync(*, connection: Connection) -> None:
    """Create or update the connection's daily import, or remove it when sync is off."""
    name = payment_schedule_name(connection=connection)
    if not connection.active or connection.payment_sync == PaymentSync.OFF:
        Schedule.objects.filter(name=name).delete()
        return
    cron = payments_setting("cron", "0 9 * * *")
    schedule = Schedule(schedule_type=Schedule.CRON, cron=cron)
    # django-q2 computes a cron's next run in TIME_ZONE (Europe/Copenhagen) local time, but only
    # when a schedule is first saved; computed here, a changed hour takes effect at once.
    Schedule.objects.update_or_create(
        name=name,
        defaults={
            "func": PAYMENTS_IMPORT_TASK,
            "args": repr((connection.pk, "daily")),
            "schedule_type": Schedule.CRON,
            "cron": cron,
            "repeats": -1,
            "next_run": schedule.calculate_next_run(),
        },
    )


def connection_saved_receiver(sender, instance, raw=False, **_arguments) -> None:
    """Keep the connection's daily payment import in step with its payment sync setting."""
    if raw:
        return
    payment_schedule_sync(connection=instance)


def connection_deleted_receiver(sender, instance, **_arguments) -> None:
    """A deleted connection's daily import goes with it (in the deleting transaction); left
    behind, it would fail every morning on a connection that no longer exists."""
    Schedule.objects.filter(name=payment_schedule_name(connection=instance)).delete()


def payment_schedules_sync(**_signal_arguments) -> None:
    """Every connection's schedule as its settings say, and none for a connection that is gone
    (after migrate: one deleted before its schedule went with it)."""
    names = []
    for connection in Connection.objects.all():
        payment_schedule_sync(connection=connection)
        names.append(payment_schedule_name(connection=connection))
    Schedule.objects.filter(func=PAYMENTS_IMPORT_TASK).exclude(name__in=names).delete()

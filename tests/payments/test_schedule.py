"""The daily import: one django-q2 schedule per connection with payment sync on, at 09:00
Copenhagen time, kept in step with the connection on save."""

import datetime
import zoneinfo

from django_q.models import Schedule

from integration.global_schedules import schedules_ensure
from integration.models import Connection
from integration.models.connection import PaymentSync
from integration.services.payments import payment_schedule_name

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")


def schedule_of(connection: Connection) -> Schedule:
    return Schedule.objects.get(name=payment_schedule_name(connection=connection))


def test_a_connection_with_payment_sync_gets_a_daily_schedule_at_nine_copenhagen(db, settings):
    settings.TIME_ZONE = "Europe/Copenhagen"
    connection = Connection.objects.create(name="A", payment_sync=PaymentSync.FULL)

    schedule = schedule_of(connection)

    assert (schedule.func, schedule.schedule_type, schedule.cron) == (
        "integration.tasks.payments_import_task", Schedule.CRON, "0 9 * * *",
    )  # fmt: skip
    local = schedule.next_run.astimezone(COPENHAGEN)
    assert (local.hour, local.minute) == (9, 0)
    now = datetime.datetime.now(COPENHAGEN)
    assert now < local <= now + datetime.timedelta(days=1)
    assert eval(schedule.args) == (connection.pk, "daily")


def test_the_hour_comes_from_the_settings_and_an_update_moves_the_next_run(db, settings):
    connection = Connection.objects.create(name="A", payment_sync=PaymentSync.FULL)
    settings.ECONOMIC_PAYMENTS = {"cron": "30 6 * * *"}

    connection.save()

    local = schedule_of(connection).next_run.astimezone(COPENHAGEN)
    assert (local.hour, local.minute) == (6, 30)
    assert Schedule.objects.filter(func="integration.tasks.payments_import_task").count() == 1


def test_turning_payment_sync_off_removes_the_schedule(db):
    connection = Connection.objects.create(name="A", payment_sync=PaymentSync.PARTIAL)
    connection.payment_sync = PaymentSync.OFF
    connection.save()

    assert not Schedule.objects.filter(name=payment_schedule_name(connection=connection)).exists()


def test_schedules_are_ensured_after_migrate_without_duplicates(db):
    connection = Connection.objects.create(name="A", payment_sync=PaymentSync.FULL)
    Schedule.objects.filter(name=payment_schedule_name(connection=connection)).delete()

    schedules_ensure()
    schedules_ensure()

    assert schedule_of(connection).repeats == -1
    assert Schedule.objects.filter(func="integration.tasks.payments_import_task").count() == 1

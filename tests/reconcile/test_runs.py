"""A run's record: its budget of calls, one run per connection at a time, the daily schedule
after the payment import, and `manage.py reconcile`."""

from datetime import date
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django_q.brokers import get_broker
from django_q.models import Schedule

from integration.global_schedules import RECONCILE, schedules_ensure
from integration.models import (
    Connection,
    CustomerLink,
    FindingKind,
    ReconcileFinding,
    ReconcileRun,
)
from integration.models.connection import ExportMethod
from integration.services.enqueue import RECONCILE_ALL_TASK, RECONCILE_TASK
from integration.services.payments.schedules import payment_schedule_name
from integration.services.reconcile import reconcile_connection
from integration.tasks import reconcile_task
from tests.exports.conftest import queued_tasks
from tests.reconcile.conftest import export_of, exported, person


def test_a_run_stopped_by_its_budget_records_nothing(reconciling, sandbox, monkeypatch):
    [invoice] = exported(reconciling, ExportMethod.DRAFT)
    person(sandbox, "DELETE", f"/drafts/{export_of(invoice).draft_number}")
    monkeypatch.setattr("integration.services.reconcile.runs.calls_budget", lambda documents: 1)
    run = reconcile_connection(connection=reconciling)
    assert (run.state, run.api_calls, run.budget) == ("failed", 1, 1)
    assert "stopped at its budget of 1 calls" in run.error
    assert not ReconcileFinding.objects.exists()


def plain_connection() -> Connection:
    return Connection.objects.create(
        name="Plain", endpoint="sandbox", payment_sync="partial", payments_since=date.today()
    )


def test_a_second_run_of_a_connection_at_the_same_time_is_skipped(db):
    connection = plain_connection()
    ReconcileRun.objects.create(connection=connection, trigger="daily")
    run = reconcile_connection(connection=connection)
    assert (run.state, run.api_calls) == ("skipped", 0)


def test_the_daily_reconciliation_follows_the_payment_import(db):
    connection = plain_connection()
    schedules_ensure()
    schedule = Schedule.objects.get(name=RECONCILE)
    payments = Schedule.objects.get(name=payment_schedule_name(connection=connection))
    assert (schedule.func, schedule.cron, payments.cron) == (
        RECONCILE_ALL_TASK,
        "30 9 * * *",
        "0 9 * * *",
    )
    assert schedule.next_run.time() > payments.next_run.time()


def test_manage_py_reconcile_says_what_it_found(reconciling, sandbox):
    exported(reconciling, ExportMethod.BOOKED)
    out = StringIO()
    call_command("reconcile", stdout=out)
    assert out.getvalue().strip() == (
        "Sandbox: Done; 1 documents, 0 differences, 0 settled since, 0 open findings; 3 of 11 calls"
    )


def test_cards_the_budget_left_unread_are_read_by_the_next_run(reconciling, sandbox, monkeypatch):
    [invoice] = exported(reconciling, ExportMethod.DRAFT)
    link = CustomerLink.objects.get(customer=invoice.customer)
    person(sandbox, "PUT", f"/customers/{link.remote_number}", {"name": "Renamed A/S"})
    monkeypatch.setattr("integration.services.reconcile.runs.calls_budget", lambda documents: 2)
    first = reconcile_connection(connection=reconciling)
    assert (first.state, first.found, first.api_calls) == ("done", 0, 2)
    assert first.cards_read_to == link.updated_at  # no card read: the next run starts there
    monkeypatch.undo()
    second = reconcile_connection(connection=reconciling)
    assert (second.found, second.api_calls) == (1, 3)
    assert second.findings.get().kind == FindingKind.CARD_CHANGED


def test_reconcile_now_queues_a_task_that_runs_the_reconciliation(
    reconciling, sandbox, admin_client, django_capture_on_commit_callbacks
):
    broker = get_broker()
    queued_tasks(broker)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:integration_connection_changelist"),
                          {"action": "reconcile_now", "_selected_action": [reconciling.pk]})  # fmt: skip
    [task] = queued_tasks(broker)
    assert (task["func"], task["args"]) == (RECONCILE_TASK, (reconciling.pk,))
    # Nothing exported, no card linked: the drafts and the booked invoices, a call each.
    assert reconcile_task(*task["args"]) == "Done: 0 differences in 2 calls"

"""A run's task stops before django-q2's timeout would kill it mid-call, and rings a task that
carries on, so a long run keeps as many workers as it was given; it leaves what other workers
hold to them; and the tasks rung together start at their own shares of the jobs."""

import datetime

from django_q.brokers import get_broker

from accounts_app.models import Invoice
from integration.models import ExportJob, JobState
from integration.services.exports import export_run_start, export_run_work
from integration.services.exports.runs import export_task_budget
from integration.services.exports.worker import _from_share
from tests.exports.conftest import booked_with, make_invoice, now, queued_tasks, reference_of


def test_a_run_whose_time_is_spent_stops_and_rings_a_task_for_the_rest(
    exporting, sandbox, django_capture_on_commit_callbacks
):
    exporting.export_method = "booked"
    exporting.save()
    invoices = [make_invoice() for _ in range(3)]
    run = export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices])
    )
    broker = get_broker()
    queued_tasks(broker)

    # Tasks are queued after the commit, and the test's transaction never commits.
    with django_capture_on_commit_callbacks(execute=True):
        handled = export_run_work(run=run, budget=0)

    assert 1 <= handled < 6  # three customers and three invoices
    assert ExportJob.objects.filter(run=run, state=JobState.IN_FLIGHT).count() == 0
    rung = queued_tasks(broker)
    assert [(task["func"], task["args"]) for task in rung] == [
        ("integration.tasks.export_run_task", (run.pk,))
    ]

    with django_capture_on_commit_callbacks(execute=True):
        export_run_work(run=run, budget=60)
    assert set(ExportJob.objects.filter(run=run).values_list("state", flat=True)) == {"done"}
    for invoice in invoices:
        assert len(booked_with(sandbox, reference_of(invoice))) == 1
    assert queued_tasks(broker) == []


def test_a_task_gets_half_of_the_queues_timeout(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 300}
    assert export_task_budget() == 150


def test_a_task_leaves_the_jobs_other_workers_hold_to_them(
    exporting, sandbox, django_capture_on_commit_callbacks
):
    invoices = [make_invoice() for _ in range(2)]
    run = export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices])
    )
    broker = get_broker()
    queued_tasks(broker)
    held = ExportJob.objects.filter(run=run, kind="invoice").order_by("pk").first()
    ExportJob.objects.filter(pk=held.pk).update(
        state=JobState.IN_FLIGHT, attempts=1, lease_until=now() + datetime.timedelta(minutes=2)
    )

    # Waiting for the held job would last until the budget is spent, then ring a task.
    with django_capture_on_commit_callbacks(execute=True):
        export_run_work(run=run, budget=30)

    states = dict(ExportJob.objects.filter(run=run, kind="invoice").values_list("pk", "state"))
    assert states.pop(held.pk) == JobState.IN_FLIGHT
    assert set(states.values()) == {JobState.DONE}
    assert queued_tasks(broker) == []


def test_the_tasks_of_a_run_each_start_at_their_own_share(
    exporting, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_TASKS = 4
    invoices = [make_invoice() for _ in range(8)]
    broker = get_broker()
    queued_tasks(broker)
    with django_capture_on_commit_callbacks(execute=True):
        run = export_run_start(
            connection=exporting, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices])
        )
    rung = [(task["args"], task["kwargs"]) for task in queued_tasks(broker)]
    assert rung == [((run.pk,), {"part": part, "parts": 4}) for part in range(4)]

    listing = list(ExportJob.objects.filter(run=run, kind="invoice").order_by("pk"))
    assert _from_share(listing, (0, 4)) == listing
    assert _from_share(listing, (2, 4)) == listing[4:] + listing[:4]

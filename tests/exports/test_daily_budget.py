"""The day's calls of an agreement: at its cap a run pauses until midnight and goes on after it
with nothing lost; at 80 % the error address is told once; above 90 % reads wait while exports
go on; an agreement whose bucket is empty holds its jobs, not the worker."""

import datetime
import time

import pytest
from django.urls import reverse
from django_q.brokers import get_broker

from accounts_app.models import Invoice
from integration import clock
from integration.bucket_store import bucket_backend
from integration.economic.errors import BudgetReserved
from integration.models import Alert, AlertKind, ErrorKind, ExportJob, JobState, RateLimitBucket
from integration.services.alerts import alerts_digest_send_all
from integration.services.budget import Spender, agreement_key, budget_may_spend, budget_usage
from integration.services.connections import connection_client
from integration.services.exports import export_run_start, export_run_status, export_run_work
from integration.tasks import reference_refresh_task
from tests.exports.conftest import (
    drafts_with,
    make_customer,
    make_invoice,
    queued_tasks,
    reference_of,
)


@pytest.fixture(autouse=True)
def database_bucket(settings):
    """The agreement's bucket in the database, whatever REDIS_URL says: these tests set its day's
    count directly and move the clock it reads (Redis reads its own)."""
    settings.REDIS_URL = ""


def _run_of(connection, count):
    customer = make_customer()
    invoices = [make_invoice(customer) for _ in range(count)]
    run = export_run_start(
        connection=connection, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices])
    )
    return run, invoices


def _next_midnight() -> datetime.datetime:
    today = datetime.datetime.now(datetime.UTC).date()
    return datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(),
                                     tzinfo=datetime.UTC)  # fmt: skip


def test_a_run_at_the_daily_cap_pauses_until_midnight_and_resumes_losing_nothing(
    exporting, sandbox, monkeypatch
):
    run, invoices = _run_of(exporting, 3)
    sandbox.call_control("PUT", f"/counters/{sandbox.agreement_number}", {"callsToday": 50000})
    since = sandbox.last_request_id()
    started = time.monotonic()
    export_run_work(run=run)
    assert time.monotonic() - started < 3  # no worker sleeps it out
    assert len(sandbox.request_log(since)) == 1  # the first refusal; nothing sent after it
    status = export_run_status(run=run)
    assert status["state_label"].startswith("Paused until 00:00 UTC")
    jobs = ExportJob.objects.filter(run=run)
    assert {(job.state, job.attempts, job.not_before) for job in jobs} == {
        (JobState.PENDING, 0, _next_midnight())
    }
    # Midnight: e-conomic counts a new day, and so does our clock.
    sandbox.call_control("PUT", f"/counters/{sandbox.agreement_number}", {"callsToday": 0})
    after_midnight = _next_midnight() + datetime.timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: after_midnight)
    export_run_work(run=run)
    status = export_run_status(run=run)
    assert (status["state"], status["done"], status["failed"]) == ("done", 3, 0)
    assert [len(drafts_with(sandbox, reference_of(invoice))) for invoice in invoices] == [1, 1, 1]


def _calls_today(connection, calls: int) -> None:
    key = f"economic-bucket:{agreement_key(connection=connection)}"
    RateLimitBucket.objects.filter(key=key).update(calls=calls)


def test_at_80_percent_of_the_day_the_error_address_is_told_once_and_both_pages_show_it(
    exporting, settings, mailoutbox, admin_client
):
    exporting.error_email = "finance@example.dk"
    exporting.save()
    settings.ECONOMIC_RATE_LIMIT = {**settings.ECONOMIC_RATE_LIMIT, "daily_limit": 100}
    _calls_today(exporting, 78)
    client = connection_client(connection=exporting)
    client.self_get()
    assert not Alert.objects.filter(kind=AlertKind.BUDGET).exists()
    for _ in range(3):
        client.self_get()
    # One item of the connection's hourly digest, not a mail of its own.
    [alert] = Alert.objects.filter(connection=exporting, kind=AlertKind.BUDGET)
    assert "has used 80% of today's calls: 80 of the agreement's 100" in alert.text
    assert f"connection__id__exact={exporting.pk}" in alert.url
    assert alerts_digest_send_all() == 1
    [mail] = mailoutbox
    assert mail.to == ["finance@example.dk"] and alert.text in mail.body
    assert "Daily API budget" in mail.body
    assert budget_usage(connection=exporting).used == 82
    change = reverse("admin:integration_connection_change", args=[exporting.pk])
    assert "82 / 100 calls (82%)" in admin_client.get(reverse("admin:index")).content.decode()
    assert "82 of 100 calls today (82%)" in admin_client.get(change).content.decode()


def test_above_90_percent_reads_wait_and_exports_go_on(exporting, sandbox, settings):
    settings.ECONOMIC_RATE_LIMIT = {**settings.ECONOMIC_RATE_LIMIT, "daily_limit": 100}
    _calls_today(exporting, 90)
    assert not budget_may_spend(connection=exporting, spender=Spender.READ)
    assert budget_may_spend(connection=exporting, spender=Spender.ESSENTIAL)
    since = sandbox.last_request_id()
    assert reference_refresh_task(exporting.pk).startswith("waits for 00:00 UTC")
    with pytest.raises(BudgetReserved):
        connection_client(connection=exporting, spender=Spender.READ).self_get()
    assert sandbox.request_log(since) == []
    connection_client(connection=exporting).self_get()
    assert len(sandbox.request_log(since)) == 1


def test_an_agreement_with_an_empty_bucket_holds_its_jobs_not_the_worker(
    exporting, sandbox, django_capture_on_commit_callbacks
):
    run, _ = _run_of(exporting, 2)
    queued_tasks(get_broker())
    bucket_backend(agreement_key(connection=exporting)).pause(5)
    since = sandbox.last_request_id()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        export_run_work(run=run)
    assert time.monotonic() - started < 3  # the bucket holds debt for 5 s
    assert sandbox.request_log(since) == []
    jobs = ExportJob.objects.filter(connection=exporting)
    assert {(job.kind, job.state, job.attempts, job.error_kind) for job in jobs} == {
        ("customer", JobState.PENDING, 0, ErrorKind.BUDGET),  # held for the bucket
        ("invoice", JobState.PENDING, 0, ""),  # waiting for their customer
    }
    # The run goes on from the back of the queue, behind whatever waited for a worker.
    assert [task["args"] for task in queued_tasks(get_broker())] == [(run.pk,)]

"""Runs that overlap over the same invoices: an invoice a second run takes over (failed, not yet
sent, or in flight) is counted once, by the run that exports it, and both runs finish."""

import pytest
from django_q.brokers import get_broker

from accounts_app.models import Invoice
from integration.models import CustomerLink, ExportJob, ExportRun, JobState
from integration.models.mappings import CustomerLinkState
from integration.services.export_context import ExportContext, invoices_for_export
from integration.services.exports import (
    export_job_claim,
    export_process,
    export_run_start,
    export_run_status,
)
from integration.services.exports.invoice_job import invoice_send
from integration.services.exports.jobs import export_jobs_move
from integration.services.exports.snapshots import invoice_snapshot
from integration.services.exports.voucher_job import vouchers_send
from integration.services.exports.worker import run_client
from integration.tasks import export_run_task
from tests.exports.conftest import (
    drafts_with,
    make_customer,
    make_invoice,
    queued_tasks,
    reference_of,
)


def _invoices(connection, count: int) -> list[Invoice]:
    """Invoices of a customer linked already, so each invoice is one job and nothing waits."""
    customer = make_customer()
    CustomerLink.objects.create(connection=connection, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    return [make_invoice(customer) for _ in range(count)]


def _start(connection, invoices: list[Invoice]) -> ExportRun:
    chosen = Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices])
    return export_run_start(connection=connection, invoices=chosen)


def _job_of(invoice: Invoice) -> ExportJob:
    return ExportJob.objects.get(kind="invoice", object_id=invoice.pk)


def _send(connection, run: ExportRun, invoice: Invoice) -> None:
    """A worker of `run` sends this one invoice."""
    export_process(connection=connection, run=run, job_ids=[_job_of(invoice).pk])


def _refuse(sandbox, connection, run: ExportRun, invoice: Invoice) -> None:
    """The invoice fails for good: e-conomic refuses the tokens while it is sent."""
    sandbox.revoke()
    _send(connection, run, invoice)
    sandbox.restore()
    assert _job_of(invoice).state == JobState.FAILED


def _progress(run: ExportRun) -> tuple:
    status = export_run_status(run=run)
    return status["state"], status["done"], status["failed"], status["total"], status["finished"]


def test_a_second_run_takes_over_the_first_runs_failed_and_unsent_invoices(exporting, sandbox):
    sent, refused, unsent = _invoices(exporting, 3)
    first = _start(exporting, [sent, refused, unsent])
    _send(exporting, first, sent)
    _refuse(sandbox, exporting, first, refused)
    second = _start(exporting, [sent, refused, unsent])
    # Nothing of the first run's own is left open: it finishes with the one it exported.
    assert _progress(first) == ("done", 1, 0, 1, True)
    assert _progress(second) == ("queued", 0, 0, 2, False)
    export_process(connection=exporting, run=second)
    assert _progress(second) == ("done", 2, 0, 2, True)
    assert _progress(first) == ("done", 1, 0, 1, True)
    for invoice in (sent, refused, unsent):
        assert len(drafts_with(sandbox, reference_of(invoice))) == 1


def test_a_finished_run_whose_only_failure_is_taken_over_reads_done(exporting, sandbox):
    sent, refused = _invoices(exporting, 2)
    first = _start(exporting, [sent, refused])
    _send(exporting, first, sent)
    _refuse(sandbox, exporting, first, refused)
    assert _progress(first) == ("done_with_errors", 1, 1, 2, True)
    finished_at = ExportRun.objects.get(pk=first.pk).finished_at
    second = _start(exporting, [refused])
    assert _progress(first) == ("done", 1, 0, 1, True)
    assert ExportRun.objects.get(pk=first.pk).finished_at == finished_at  # not reopened
    export_process(connection=exporting, run=second)
    assert _progress(second) == ("done", 1, 0, 1, True)


def test_a_finished_run_keeps_the_failures_not_taken_over(exporting, sandbox):
    taken, left = _invoices(exporting, 2)
    first = _start(exporting, [taken, left])
    _refuse(sandbox, exporting, first, taken)
    _refuse(sandbox, exporting, first, left)
    assert _progress(first) == ("done_with_errors", 0, 2, 2, True)
    _start(exporting, [taken])
    assert _progress(first) == ("done_with_errors", 0, 1, 1, True)


def _send_claimed(connection, run: ExportRun | None, job: ExportJob, invoice: Invoice) -> None:
    """What the worker of `run` (or of the automatic export) that claimed `job` does next: send
    it and record the answer."""
    context = ExportContext.load(connection=connection, overrides=run.overrides if run else {})
    [invoice] = invoices_for_export([invoice.pk])
    snapshot = invoice_snapshot(invoice, context)
    client = run_client(connection=connection, run=run)
    if job.method == "voucher":
        vouchers_send(items=[(job, invoice, snapshot, False)], client=client, context=context)
    else:
        invoice_send(job=job, invoice=invoice, snapshot=snapshot, client=client,
                       context=context, reconcile=False)  # fmt: skip


@pytest.mark.parametrize("method", ["draft", "booked", "voucher"])
def test_an_invoice_taken_over_in_flight_is_counted_by_the_run_that_took_it(
    exporting, sandbox, method
):
    exporting.export_method, exporting.voucher_journal_number = method, 1
    exporting.save()
    [invoice] = _invoices(exporting, 1)
    first = _start(exporting, [invoice])
    claim = export_job_claim(job=_job_of(invoice))  # a worker of the first run has it
    second = _start(exporting, [invoice])
    _send_claimed(exporting, first, claim.job, invoice)
    assert _progress(first) == ("done", 0, 0, 0, True)
    assert _progress(second) == ("done", 1, 0, 1, True)


def test_an_invoice_taken_over_in_flight_that_fails_is_counted_by_the_run_that_took_it(
    exporting, sandbox
):
    [invoice] = _invoices(exporting, 1)
    first = _start(exporting, [invoice])
    claim = export_job_claim(job=_job_of(invoice))
    second = _start(exporting, [invoice])
    sandbox.revoke()
    _send_claimed(exporting, first, claim.job, invoice)
    sandbox.restore()
    assert _progress(first) == ("done", 0, 0, 0, True)
    assert _progress(second) == ("done_with_errors", 0, 1, 1, True)


def test_an_automatic_export_in_flight_is_counted_by_the_run_that_took_it(exporting, sandbox):
    exporting.auto_export = True
    exporting.save()
    [invoice] = _invoices(exporting, 1)  # finalizing queued it, in no run
    claim = export_job_claim(job=_job_of(invoice))
    run = _start(exporting, [invoice])
    _send_claimed(exporting, None, claim.job, invoice)
    assert _progress(run) == ("done", 1, 0, 1, True)


def test_a_job_that_ended_after_it_was_read_stays_with_the_run_that_ended_it(exporting, sandbox):
    invoice, other = _invoices(exporting, 2)
    first = _start(exporting, [invoice])
    read = _job_of(invoice)  # as a second run reads it...
    _send(exporting, first, invoice)  # ...a worker of the first run sends it
    second = _start(exporting, [other])
    assert export_jobs_move(jobs=[read], run=second).done == [read]
    assert _job_of(invoice).run_id == first.pk
    assert _progress(first) == ("done", 1, 0, 1, True)


def test_a_run_that_gave_up_its_last_open_invoice_finishes_without_being_looked_at(
    exporting, sandbox, django_capture_on_commit_callbacks
):
    sent, unsent = _invoices(exporting, 2)
    first = _start(exporting, [sent, unsent])
    _send(exporting, first, sent)
    broker = get_broker()
    queued_tasks(broker)
    with django_capture_on_commit_callbacks(execute=True):
        second = _start(exporting, [unsent])
    rung = [task["args"] for task in queued_tasks(broker)]
    assert [args for args in rung if args != (second.pk,)] == [(first.pk,)]
    export_run_task(first.pk)  # what the first run's rung task does
    first.refresh_from_db()
    assert (first.state, first.done, first.total, bool(first.finished_at)) == ("done", 1, 1, True)

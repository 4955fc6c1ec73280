"""Runs that overlap over the same invoices: an invoice a second run takes over (failed, not yet
sent, or in flight) is counted once, by the run that exports it, and both runs finish."""

import pytest

from accounts_app.models import Invoice
from integration.models import CustomerLink, ExportJob, ExportRun, JobState
from integration.models.mappings import CustomerLinkState
from integration.services.exports import (
    export_job_claim,
    export_process,
    export_run_start,
    export_run_status,
)
from integration.services.exports.context import ExportContext, invoices_for_export
from integration.services.exports.invoices import invoice_export
from integration.services.exports.runner import run_client
from integration.services.exports.snapshots import invoice_snapshot
from integration.services.exports.vouchers import vouchers_export
from tests.exports.conftest import make_customer, make_invoice


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


def _send_claimed(connection, run: ExportRun, job: ExportJob, invoice: Invoice) -> None:
    """What the worker of `run` that claimed `job` does next: send it and record the answer."""
    context = ExportContext.load(connection=connection, overrides=run.overrides)
    [invoice] = invoices_for_export([invoice.pk])
    snapshot = invoice_snapshot(invoice, context)
    client = run_client(connection=connection, run=run)
    if run.method == "voucher":
        vouchers_export(items=[(job, invoice, snapshot, False)], client=client, context=context)
    else:
        invoice_export(job=job, invoice=invoice, snapshot=snapshot, client=client,
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
    first.refresh_from_db()
    assert _progress(second) == ("done", 1, 0, 1, True)
    assert (first.done, first.failed) == (0, 0)


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
    first.refresh_from_db()
    assert _progress(second) == ("done_with_errors", 0, 1, 1, True)
    assert (first.done, first.failed) == (0, 0)

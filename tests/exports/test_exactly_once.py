"""Exactly once under the network's faults: every invoice is in e-conomic once (counted by our
reference in references.other), every job ends in a terminal state."""

import threading
import time

import pytest

from accounts_app.models import Invoice
from integration.models import ExportJob, JobState
from integration.models.exports import TERMINAL_STATES
from integration.services.exports import (
    export_process,
    export_run_refresh,
    export_run_start,
    exports_sweep,
)
from tests.exports.conftest import (
    booked_with,
    drafts_with,
    make_customer,
    make_invoice,
    reference_of,
)


def _drain(connection, run, seconds: float = 30.0):
    """Work until every job is terminal, as the workers and the sweeper would."""
    deadline = time.monotonic() + seconds
    while ExportJob.objects.filter(run=run).exclude(state__in=TERMINAL_STATES).exists():
        assert time.monotonic() < deadline, list(ExportJob.objects.values("state", "last_error"))
        exports_sweep()
        export_process(connection=connection, run=run)
        time.sleep(0.05)
    return export_run_refresh(run=run)


def _invoices(count, customer=None):
    customer = customer or make_customer(vat_number="12345674")
    return Invoice.objects.filter(pk__in=[make_invoice(customer).pk for _ in range(count)])


@pytest.mark.parametrize("method", ["draft", "booked"])
def test_each_invoice_is_in_economic_once_under_random_faults(exporting, sandbox, method):
    invoices = _invoices(12)
    sandbox.set_faults(error_503=0.15, drop_after_apply=0.25, error_429=0.05)
    run = _drain(
        exporting, export_run_start(connection=exporting, invoices=invoices, method=method)
    )
    sandbox.set_faults()
    assert (run.done, run.failed, run.total) == (12, 0, 12)
    find = booked_with if method == "booked" else drafts_with
    for invoice in invoices:
        assert len(find(sandbox, reference_of(invoice))) == 1
    assert (
        len(
            sandbox.get(
                "/customers", params={"filter": "name$eq:" + invoices[0].customer.name}
            ).json()["collection"]
        )
        == 1
    )
    assert set(ExportJob.objects.values_list("state", flat=True)) == {JobState.DONE}


def test_vouchers_are_in_the_journal_once_under_random_faults(exporting, sandbox):
    exporting.export_method, exporting.voucher_journal_number = "voucher", 1
    exporting.save()
    invoices = _invoices(8)
    sandbox.set_faults(script=[{"fault": "drop_after_apply", "method": "POST", "path": "/journals"},
                               {"fault": "503", "method": "POST", "path": "/journals"}])  # fmt: skip
    run = _drain(exporting, export_run_start(connection=exporting, invoices=invoices))
    assert (run.done, run.failed) == (8, 0)
    entries = sandbox.get("/journals/1/entries").json()["collection"]
    assert sorted(entry["customerInvoice"] for entry in entries) == sorted(
        i.number for i in invoices
    )


def test_a_write_applied_then_dropped_is_looked_up_and_adopted(exporting, sandbox):
    invoices = _invoices(1)
    sandbox.set_faults(
        script=[{"fault": "drop_after_apply", "method": "POST", "path": "/invoices/drafts"}]
    )
    since = sandbox.last_request_id()
    run = _drain(exporting, export_run_start(connection=exporting, invoices=invoices))
    posts = sandbox.request_log(since, method="POST", path="/invoices/drafts")
    assert len(posts) == 1  # found by reference, not sent again
    assert run.done == 1 and len(drafts_with(sandbox, reference_of(invoices[0]))) == 1


def test_a_lost_booking_answer_is_adopted_by_reference(exporting, sandbox):
    invoices = _invoices(1)
    sandbox.set_faults(
        script=[{"fault": "drop_after_apply", "method": "POST", "path": "/invoices/booked"}]
    )
    run = _drain(
        exporting, export_run_start(connection=exporting, invoices=invoices, method="booked")
    )
    assert run.done == 1
    assert len(booked_with(sandbox, reference_of(invoices[0]))) == 1


def test_a_hang_past_the_client_timeout_is_resolved_without_a_duplicate(exporting, sandbox):
    invoices = _invoices(2)
    sandbox.set_faults(hang_seconds=3, hang_phase="after", hang_then="answer",
                       script=[{"fault": "hang", "method": "POST", "path": "/invoices/drafts"}])  # fmt: skip
    run = _drain(exporting, export_run_start(connection=exporting, invoices=invoices))
    assert run.done == 2
    for invoice in invoices:
        assert len(drafts_with(sandbox, reference_of(invoice))) == 1


def test_a_rate_limited_write_waits_and_goes_through(exporting, sandbox):
    invoices = _invoices(2)
    sandbox.set_faults(script=[{"fault": "429", "method": "POST", "path": "/invoices/drafts"}])
    run = _drain(exporting, export_run_start(connection=exporting, invoices=invoices))
    assert run.done == 2
    waited = ExportJob.objects.filter(kind="invoice", attempts=2)
    assert waited.count() == 1


def test_server_errors_on_every_try_end_dead_with_the_reason(exporting, sandbox, settings):
    settings.ECONOMIC_EXPORT = {**settings.ECONOMIC_EXPORT, "max_attempts": 3}
    customer = make_customer()
    invoices = _invoices(1, customer)
    sandbox.set_faults(script=[{"fault": "500", "method": "POST", "path": "/customers"}] * 9)
    run = _drain(exporting, export_run_start(connection=exporting, invoices=invoices))
    customer_job = ExportJob.objects.get(kind="customer")
    # A 500 on a write may have been applied: each was looked up before the next try.
    assert customer_job.state == JobState.DEAD
    assert "server error (HTTP 500)" in customer_job.last_error
    invoice_job = ExportJob.objects.get(kind="invoice")
    assert (
        invoice_job.state == JobState.FAILED
        and "customer is not in e-conomic" in invoice_job.last_error
    )
    assert run.failed == 1


@pytest.mark.django_db(transaction=True)
def test_a_lease_that_runs_out_mid_call_is_reconciled_not_resent(exporting, sandbox, settings):
    settings.ECONOMIC_EXPORT = {**settings.ECONOMIC_EXPORT, "lease_seconds": 1}
    settings.ECONOMIC_TIMEOUT = (2.0, 10.0)
    invoices = _invoices(1)
    run = export_run_start(connection=exporting, invoices=invoices)
    export_process(connection=exporting, run=run, job_ids=list(
        ExportJob.objects.filter(kind="customer").values_list("pk", flat=True)))  # fmt: skip
    sandbox.set_faults(hang_seconds=3, hang_phase="after", hang_then="answer",
                       script=[{"fault": "hang", "method": "POST", "path": "/invoices/drafts"}])  # fmt: skip
    since = sandbox.last_request_id()
    slow = threading.Thread(target=export_process, kwargs={"connection": exporting, "run": run})
    slow.start()  # a worker whose call outlives its lease
    time.sleep(1.5)
    assert exports_sweep()["expired"] == 1
    export_process(connection=exporting, run=run)  # another worker takes the job over
    slow.join()
    assert len(sandbox.request_log(since, method="POST", path="/invoices/drafts")) == 1
    assert len(drafts_with(sandbox, reference_of(invoices[0]))) == 1
    assert ExportJob.objects.get(kind="invoice").state == JobState.DONE
    assert export_run_refresh(run=run).done == 1

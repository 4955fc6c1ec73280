"""Drafts e-conomic answered are recorded together (answered.py): each one this worker still
holds is done with its own numbers, counted once on its run and shown with e-conomic's number;
one taken over meanwhile is left to the worker that holds it now; and the calls' rows are
written with them."""

from decimal import Decimal

from django.db.models import F

from accounts_app.models import Invoice
from integration.models import ApiCall, ExportJob, InvoiceExport, JobState
from integration.services.export_context import ExportContext
from integration.services.exports import export_run_start
from integration.services.exports.answered import Answered
from integration.services.exports.jobs import export_job_claim
from integration.services.exports.worker import run_client
from tests.exports.conftest import make_invoice


def _claimed(connection, count: int):
    invoices = [make_invoice() for _ in range(count)]
    run = export_run_start(
        connection=connection, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices])
    )
    jobs = list(ExportJob.objects.filter(run=run, kind="invoice").order_by("pk"))
    claimed = [export_job_claim(job=job).job for job in jobs]
    return run, claimed, {invoice.pk: invoice for invoice in invoices}


def test_each_held_job_is_done_with_its_own_numbers_and_a_taken_over_one_is_left(exporting):
    run, jobs, invoices = _claimed(exporting, 3)
    taken = jobs[1]
    # Another worker took the job over after this one's lease ran out: one attempt more.
    ExportJob.objects.filter(pk=taken.pk).update(attempts=F("attempts") + 1)
    answered = Answered(context=ExportContext.load(connection=exporting))
    for number, job in enumerate(jobs, start=501):
        answered.add(job=job, invoice=invoices[job.object_id],
                     numbers={"draft_number": number, "exchange_rate": Decimal("1"),
                              "vat_difference": Decimal(number - 501) / 100})  # fmt: skip
    answered.record()

    rows = {job.pk: job for job in ExportJob.objects.filter(run=run, kind="invoice")}
    assert [(rows[job.pk].state, rows[job.pk].draft_number) for job in jobs] == [
        (JobState.DONE, 501), (JobState.IN_FLIGHT, None), (JobState.DONE, 503)
    ]
    assert rows[jobs[2].pk].vat_difference == Decimal("0.02")
    run.refresh_from_db()
    assert run.done == 2
    shown = dict(InvoiceExport.objects.filter(connection=exporting).values_list(
        "invoice_id", "economic_number"))  # fmt: skip
    assert shown == {jobs[0].object_id: "501", jobs[2].object_id: "503"}


def test_the_calls_rows_are_written_when_their_jobs_are_recorded(exporting):
    run, jobs, invoices = _claimed(exporting, 1)
    client = run_client(connection=exporting, run=run)
    before = ApiCall.objects.count()
    client.self_get()
    assert ApiCall.objects.count() == before  # held until the record

    answered = Answered(context=ExportContext.load(connection=exporting), calls=client.recorder)
    answered.add(job=jobs[0], invoice=invoices[jobs[0].object_id], numbers={"draft_number": 7})
    answered.record()

    [call] = ApiCall.objects.filter(export_run=run)
    assert (call.method, call.path, call.status) == ("GET", "/self", 200)

"""A booking applied whose answer was lost, and the lookup by reference that should find it
failing too: the next attempt finds the draft gone and the booked invoice there, and adopts it
instead of failing the job."""

import time

from django.utils import timezone

from accounts_app.models import Invoice
from integration.models import ExportJob
from integration.models.exports import TERMINAL_STATES
from integration.services.exports import export_process, export_run_refresh, export_run_start
from tests.exports.conftest import booked_with, make_customer, make_invoice, reference_of

# urllib3 tries a GET four times on a 503 (the call and three retries) before it gives up.
LOOKUP_FAILS = [{"fault": "503", "method": "GET", "path": "/invoices/booked"}] * 4


def drain(connection, run, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while ExportJob.objects.filter(run=run).exclude(state__in=TERMINAL_STATES).exists():
        assert time.monotonic() < deadline, list(ExportJob.objects.values("state", "last_error"))
        export_process(connection=connection, run=run)
        time.sleep(0.05)
    return export_run_refresh(run=run)


def test_a_lost_booking_whose_lookup_failed_is_adopted_on_the_next_attempt(exporting, sandbox):
    invoice = make_invoice(make_customer(vat_number="12345674"))
    sandbox.set_faults(script=[
        {"fault": "drop_after_apply", "method": "POST", "path": "/invoices/booked"}, *LOOKUP_FAILS,
    ])  # fmt: skip
    run = export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk), method="booked"
    )

    run = drain(exporting, run)

    job = ExportJob.objects.get(kind="invoice")
    assert (run.done, run.failed, job.state) == (1, 0, "done"), job.last_error
    booked = booked_with(sandbox, reference_of(invoice))
    assert len(booked) == 1
    assert job.booked_number == booked[0]["bookedInvoiceNumber"]
    assert len(sandbox.request_log(0, method="POST", path="/invoices/booked")) == 1


def test_a_draft_booked_by_a_person_between_attempts_is_adopted(exporting, sandbox, settings):
    settings.ECONOMIC_EXPORT = {
        **settings.ECONOMIC_EXPORT,
        "backoff_seconds": 60,
        "backoff_cap": 60,
    }
    invoice = make_invoice(make_customer(vat_number="12345674"))
    sandbox.set_faults(script=[{"fault": "429", "method": "POST", "path": "/invoices/booked"}])
    run = export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk), method="booked"
    )
    export_process(connection=exporting, run=run)  # the draft is made; its booking answers 429
    job = ExportJob.objects.get(kind="invoice")
    assert (job.state, job.booked_number) == ("pending", None) and job.draft_number
    by_hand = sandbox.post(
        "/invoices/booked", json={"draftInvoice": {"draftInvoiceNumber": job.draft_number}}
    )
    assert by_hand.status_code == 201, by_hand.text
    ExportJob.objects.filter(pk=job.pk).update(not_before=timezone.now())  # the backoff is over

    run = drain(exporting, run)

    job.refresh_from_db()
    assert (run.done, job.state) == (1, "done"), job.last_error
    assert job.booked_number == by_hand.json()["bookedInvoiceNumber"]
    assert len(booked_with(sandbox, reference_of(invoice))) == 1

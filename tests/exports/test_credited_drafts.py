"""An invoice credited while its e-conomic draft is still unbooked: the credit note's job
deletes the draft instead of sending a credit note, exactly once. Credited after booking, or
booked by a person meanwhile, the credit note goes as usual."""

from accounts_app.models import Invoice
from accounts_app.services import invoice_credit
from integration.models import CustomerLink, ExportJob, InvoiceExport, JobState
from integration.models.connection import NumberPolicy
from integration.models.mappings import CustomerLinkState
from integration.services.exports import export_process, export_run_refresh, export_run_start
from tests.exports.conftest import (
    booked_with,
    drafts_with,
    make_customer,
    make_invoice,
    reference_of,
    remote_writes,
)


def _export(connection, invoice: Invoice, method: str = "draft"):
    run = export_run_start(
        connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk), method=method
    )
    export_process(connection=connection, run=run)
    return export_run_refresh(run=run)


def _job_of(invoice: Invoice) -> ExportJob:
    return ExportJob.objects.get(kind="invoice", object_id=invoice.pk)


def _draft_number(invoice: Invoice) -> int:
    return InvoiceExport.objects.get(invoice=invoice).draft_number


def test_a_credited_invoice_s_unbooked_draft_is_deleted_and_no_credit_note_is_sent(
    exporting, sandbox
):
    invoice = make_invoice()
    _export(exporting, invoice)
    draft = _draft_number(invoice)
    credit_note = invoice_credit(invoice=invoice)
    since = sandbox.last_request_id()

    run = _export(exporting, credit_note)

    assert (run.done, run.failed) == (1, 0)
    writes = [(entry["method"], entry["path"]) for entry in remote_writes(sandbox, since)]
    assert writes == [("DELETE", f"/invoices/drafts/{draft}")]
    assert sandbox.get(f"/invoices/drafts/{draft}").status_code == 404
    assert drafts_with(sandbox, reference_of(credit_note)) == []
    assert booked_with(sandbox, reference_of(credit_note)) == []
    export = InvoiceExport.objects.get(invoice=invoice)
    assert export.draft_deleted_at is not None
    assert export.economic_number == f"draft {draft} deleted"
    job = _job_of(credit_note)
    assert job.state == JobState.DONE
    assert f"the original's draft {draft} was deleted in e-conomic instead" in job.note
    assert not InvoiceExport.objects.filter(invoice=credit_note).exists()


def test_the_deleted_draft_s_number_is_taken_off_the_invoice_under_copy_back(exporting, sandbox):
    exporting.number_policy = NumberPolicy.COPY_BACK
    exporting.save()
    invoice = make_invoice()
    _export(exporting, invoice)
    assert Invoice.objects.get(pk=invoice.pk).external_number == str(_draft_number(invoice))
    _export(exporting, invoice_credit(invoice=invoice))
    assert Invoice.objects.get(pk=invoice.pk).external_number == ""


def test_a_lost_answer_to_the_deletion_is_looked_up_and_the_draft_deleted_once(
    exporting, sandbox
):
    invoice = make_invoice()
    _export(exporting, invoice)
    draft = _draft_number(invoice)
    credit_note = invoice_credit(invoice=invoice)
    sandbox.set_faults(script=[{"fault": "drop_after_apply", "method": "DELETE",
                                "path": f"/invoices/drafts/{draft}"}])  # fmt: skip
    since = sandbox.last_request_id()

    run = _export(exporting, credit_note)

    job = _job_of(credit_note)
    assert (run.done, job.state, job.attempts) == (1, JobState.DONE, 2)
    deletes = [entry for entry in remote_writes(sandbox, since) if entry["method"] == "DELETE"]
    assert [entry["status"] for entry in deletes] == [0]  # applied, answer lost; not sent again
    assert [entry["method"] for entry in remote_writes(sandbox, since)] == ["DELETE"]
    assert InvoiceExport.objects.get(invoice=invoice).draft_deleted_at is not None
    assert drafts_with(sandbox, reference_of(credit_note)) == []


def test_an_invoice_credited_after_booking_gets_its_credit_note_as_before(exporting, sandbox):
    invoice = make_invoice()
    _export(exporting, invoice, method="booked")
    credit_note = invoice_credit(invoice=invoice)
    since = sandbox.last_request_id()

    run = _export(exporting, credit_note, method="booked")

    assert (run.done, run.failed) == (1, 0)
    [booked] = booked_with(sandbox, reference_of(credit_note))
    assert booked["grossAmount"] == -250.0
    assert "DELETE" not in [entry["method"] for entry in remote_writes(sandbox, since)]
    assert _job_of(credit_note).note == ""


def test_a_draft_booked_by_a_person_meanwhile_gets_a_credit_note(exporting, sandbox):
    invoice = make_invoice()
    _export(exporting, invoice)
    draft = _draft_number(invoice)
    answer = sandbox.post("/invoices/booked", json={"draftInvoice": {"draftInvoiceNumber": draft}})
    assert answer.status_code == 201, answer.text
    credit_note = invoice_credit(invoice=invoice)
    since = sandbox.last_request_id()

    run = _export(exporting, credit_note)

    assert (run.done, run.failed) == (1, 0)
    [credit_draft] = drafts_with(sandbox, reference_of(credit_note))
    assert credit_draft["grossAmount"] == -250.0
    assert "DELETE" not in [entry["method"] for entry in remote_writes(sandbox, since)]
    assert InvoiceExport.objects.get(invoice=invoice).draft_deleted_at is None
    assert _job_of(credit_note).note == ""


def test_a_draft_that_no_longer_carries_our_reference_is_left_alone_and_a_person_told(
    exporting, sandbox
):
    invoice = make_invoice()
    _export(exporting, invoice)
    draft = _draft_number(invoice)
    body = sandbox.get(f"/invoices/drafts/{draft}").json()
    body["references"] = {"other": "typed over by a person"}
    assert sandbox.put(f"/invoices/drafts/{draft}", json=body).status_code == 200
    credit_note = invoice_credit(invoice=invoice)

    run = _export(exporting, credit_note)

    assert (run.done, run.failed) == (0, 1)
    job = _job_of(credit_note)
    assert job.state == JobState.FAILED
    assert f"draft {draft} no longer carries {reference_of(invoice)}" in job.last_error
    assert sandbox.get(f"/invoices/drafts/{draft}").status_code == 200
    assert drafts_with(sandbox, reference_of(credit_note)) == []


def test_a_credit_note_going_as_a_voucher_deletes_the_unbooked_draft_too(exporting, sandbox):
    customer = make_customer()
    CustomerLink.objects.create(connection=exporting, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    invoice = make_invoice(customer)
    _export(exporting, invoice)
    draft = _draft_number(invoice)
    exporting.voucher_journal_number = 1
    exporting.save()
    credit_note = invoice_credit(invoice=invoice)
    since = sandbox.last_request_id()

    run = _export(exporting, credit_note, method="voucher")

    assert (run.done, run.failed) == (1, 0)
    writes = [(entry["method"], entry["path"]) for entry in remote_writes(sandbox, since)]
    assert writes == [("DELETE", f"/invoices/drafts/{draft}")]
    assert _job_of(credit_note).state == JobState.DONE

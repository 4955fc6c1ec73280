"""A credit note as a journal voucher: its entry carries the credit note's number and names the
invoice it credits, with our reference in the text, by which a lost answer is found."""

from accounts_app.models import Invoice
from accounts_app.services import invoice_credit
from integration.models import CustomerLink, ExportJob, InvoiceExport, JobState
from integration.models.mappings import CustomerLinkState
from integration.services.exports import export_process, export_run_refresh, export_run_start
from tests.exports.conftest import make_customer, make_invoice, reference_of, remote_writes


def _voucher_connection(connection):
    connection.export_method = "voucher"
    connection.voucher_journal_number = 1
    connection.save()
    customer = make_customer()
    CustomerLink.objects.create(connection=connection, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    return customer


def _export(connection, *invoices):
    run = export_run_start(
        connection=connection, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices])
    )
    export_process(connection=connection, run=run)
    return export_run_refresh(run=run)


def _entries(sandbox) -> dict[int, dict]:
    entries = sandbox.get("/journals/1/entries").json()["collection"]
    return {entry["customerInvoice"]: entry for entry in entries}


def test_a_credit_note_s_voucher_names_itself_and_the_invoice_it_credits(exporting, sandbox):
    invoice = make_invoice(_voucher_connection(exporting), prices=("100.00",))
    _export(exporting, invoice)
    credit_note = invoice_credit(invoice=invoice)
    run = _export(exporting, credit_note)
    assert (run.done, run.failed) == (1, 0)
    entry = _entries(sandbox)[credit_note.number]
    assert entry["text"] == (
        f"Credit note {credit_note.number} for invoice {invoice.number} {reference_of(credit_note)}"
    )
    assert entry["customerInvoice"] == credit_note.number != invoice.number
    assert entry["amount"] == -250.0
    export = InvoiceExport.objects.get(invoice=credit_note)
    assert export.voucher_number == entry["voucher"]["voucherNumber"]


def test_a_credit_note_voucher_whose_answer_was_lost_is_found_by_its_text(exporting, sandbox):
    invoice = make_invoice(_voucher_connection(exporting))
    _export(exporting, invoice)
    credit_note = invoice_credit(invoice=invoice)
    sandbox.set_faults(script=[{"fault": "drop_after_apply", "method": "POST",
                                "path": "/journals/1/vouchers"}])  # fmt: skip
    since = sandbox.last_request_id()
    run = _export(exporting, credit_note)
    job = ExportJob.objects.get(object_id=credit_note.pk, kind="invoice")
    assert (run.done, job.state, job.attempts) == (1, JobState.DONE, 2)
    posts = [entry for entry in remote_writes(sandbox, since) if entry["path"].endswith("vouchers")]
    assert [entry["status"] for entry in posts] == [0]  # dropped once, then looked up, not resent
    lookups = sandbox.request_log(since, method="GET", path="/journals/1/entries")
    text = f"Credit note {credit_note.number} for invoice {invoice.number} {reference_of(credit_note)}"
    assert lookups[0]["query"]["filter"] == f"text$eq:{text}"
    assert job.voucher_number == _entries(sandbox)[credit_note.number]["voucher"]["voucherNumber"]

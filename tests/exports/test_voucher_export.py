"""The voucher method (Opter's: customer-invoice entries in a journal, many per call, the PDF
uploaded to each voucher)."""

from accounts_app.models import Invoice
from integration.models import ApiCall, CustomerLink, InvoiceExport
from integration.models.mappings import CustomerLinkState
from integration.services.exports import export_process, export_run_refresh, export_run_start
from tests.exports.conftest import make_customer, make_invoice, reference_of, remote_writes


def _voucher_connection(connection, *, include_pdf=False):
    connection.export_method = "voucher"
    connection.voucher_journal_number = 1
    connection.include_pdf = include_pdf
    connection.save()
    customer = make_customer()
    CustomerLink.objects.create(connection=connection, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    return customer


def _export(connection, invoices):
    run = export_run_start(connection=connection, invoices=invoices)
    export_process(connection=connection, run=run)
    return export_run_refresh(run=run)


def test_many_invoices_go_as_vouchers_in_one_call(exporting, sandbox):
    customer = _voucher_connection(exporting)
    invoices = [make_invoice(customer, prices=(f"{100 + n}.00",)) for n in range(6)]
    since = sandbox.last_request_id()
    run = _export(exporting, Invoice.objects.filter(pk__in=[i.pk for i in invoices]))
    assert (run.done, run.failed) == (6, 0)
    writes = remote_writes(sandbox, since)
    assert [(entry["method"], entry["path"]) for entry in writes] == [
        ("POST", "/journals/1/vouchers")
    ]
    assert ApiCall.objects.filter(export_run=run).count() == 1
    entries = sandbox.get("/journals/1/entries").json()["collection"]
    by_invoice = {entry["customerInvoice"]: entry for entry in entries}
    for invoice in invoices:
        entry = by_invoice[invoice.number]
        assert entry["amount"] == float(invoice.gross_total)
        assert entry["text"] == f"Invoice {invoice.number} {reference_of(invoice)}"
        export = InvoiceExport.objects.get(invoice=invoice)
        assert export.voucher_number == entry["voucher"]["voucherNumber"]


def test_with_pdf_each_voucher_gets_our_invoice_pdf(exporting, sandbox):
    customer = _voucher_connection(exporting, include_pdf=True)
    invoices = [make_invoice(customer) for _ in range(2)]
    since = sandbox.last_request_id()
    run = _export(exporting, Invoice.objects.filter(pk__in=[i.pk for i in invoices]))
    assert (run.done, run.failed) == (2, 0)
    uploads = [entry for entry in remote_writes(sandbox, since) if "attachment" in entry["path"]]
    assert len(uploads) == 2
    for invoice in invoices:
        export = InvoiceExport.objects.get(invoice=invoice)
        year = invoice.issue_date.year
        answer = sandbox.get(f"/journals/1/vouchers/{year}-{export.voucher_number}/attachment/file")
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF")

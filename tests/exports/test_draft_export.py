"""The draft method end to end (Productive's: a person books the draft in e-conomic)."""

from decimal import Decimal

from auditlog.models import LogEntry

from accounts_app.models import Invoice
from integration.models import ApiCall, CustomerLink, ExportJob, InvoiceExport, JobState
from integration.models.mappings import CustomerLinkState
from integration.services.exports import export_process, export_run_refresh, export_run_start
from tests.exports.conftest import (
    drafts_with,
    make_customer,
    make_invoice,
    reference_of,
    remote_writes,
)


def _export(connection, invoices, **options):
    run = export_run_start(connection=connection, invoices=invoices, **options)
    export_process(connection=connection, run=run)
    return export_run_refresh(run=run)


def test_an_invoice_becomes_a_draft_with_our_lines_and_reference(exporting, sandbox):
    invoice = make_invoice(prices=("100.00", "250.50"))
    run = _export(exporting, Invoice.objects.filter(pk=invoice.pk))
    assert (run.state, run.done, run.failed, run.total) == ("done", 1, 0, 1)
    [draft] = drafts_with(sandbox, reference_of(invoice))
    full = sandbox.get(f"/invoices/drafts/{draft['draftInvoiceNumber']}").json()
    assert [(line["product"]["productNumber"], line["quantity"], line["unitNetPrice"])
            for line in full["lines"]] == [("1", 2.0, 100.0), ("1", 2.0, 250.5)]  # fmt: skip
    assert full["layout"]["layoutNumber"] == 19
    assert full["paymentTerms"]["paymentTermsNumber"] == 2
    assert full["recipient"]["vatZone"]["vatZoneNumber"] == 1
    assert full["notes"]["heading"] == f"Invoice {invoice.number}"
    assert Decimal(str(full["grossAmount"])) == invoice.gross_total


def test_the_draft_number_is_shown_beside_ours(exporting, sandbox):
    invoice = make_invoice()
    audited = LogEntry.objects.count()
    _export(exporting, Invoice.objects.filter(pk=invoice.pk))
    # The export's own writes are on its jobs and exports, not in the people's audit trail.
    assert LogEntry.objects.count() == audited
    export = InvoiceExport.objects.get(invoice=invoice)
    [draft] = drafts_with(sandbox, reference_of(invoice))
    assert export.draft_number == draft["draftInvoiceNumber"]
    assert export.economic_number == str(draft["draftInvoiceNumber"])
    invoice.refresh_from_db()
    assert invoice.number != 0 and invoice.state == Invoice.State.FINALIZED  # ours untouched


def test_a_new_customer_is_created_once_and_linked(exporting, sandbox):
    customer = make_customer(name="Fjordhuset ApS", vat_number="12345674")
    invoices = [make_invoice(customer) for _ in range(3)]
    since = sandbox.last_request_id()
    _export(exporting, Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices]))
    creates = [entry for entry in remote_writes(sandbox, since) if entry["path"] == "/customers"]
    assert len(creates) == 1
    link = CustomerLink.objects.get(connection=exporting, customer=customer)
    assert link.state == CustomerLinkState.LINKED
    card = sandbox.get(f"/customers/{link.remote_number}").json()
    assert card["corporateIdentificationNumber"] == "12345674"
    assert card["name"] == "Fjordhuset ApS"


def test_the_draft_method_costs_one_call_per_invoice_when_customers_are_linked(exporting, sandbox):
    customer = make_customer()
    CustomerLink.objects.create(connection=exporting, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    invoices = [make_invoice(customer) for _ in range(5)]
    run = _export(exporting, Invoice.objects.filter(pk__in=[i.pk for i in invoices]))
    assert ApiCall.objects.filter(export_run=run).count() == 5
    assert set(ExportJob.objects.values_list("state", flat=True)) == {JobState.DONE}


def test_an_invoice_exported_before_is_not_sent_again(exporting, sandbox):
    invoice = make_invoice()
    _export(exporting, Invoice.objects.filter(pk=invoice.pk))
    since = sandbox.last_request_id()
    second = _export(exporting, Invoice.objects.filter(pk=invoice.pk))
    assert remote_writes(sandbox, since) == []
    assert second.total == 0 and second.state == "done"
    assert len(drafts_with(sandbox, reference_of(invoice))) == 1

"""The booked method (Moment's: booked at once, optionally with our numbers) and credit notes."""

from decimal import Decimal

from accounts_app.models import Invoice
from accounts_app.services import invoice_credit
from integration.models import ApiCall, ExportJob, InvoiceExport, JobState
from integration.models.connection import NumberPolicy
from integration.services.exports import (
    export_job_retry,
    export_process,
    export_run_refresh,
    export_run_start,
)
from tests.exports.conftest import (
    booked_with,
    drafts_with,
    make_customer,
    make_invoice,
    reference_of,
)


def _export(connection, invoices, **options):
    run = export_run_start(connection=connection, invoices=invoices, method="booked", **options)
    export_process(connection=connection, run=run)
    return export_run_refresh(run=run)


def test_an_invoice_is_booked_with_our_number_when_we_are_master(exporting, sandbox):
    exporting.number_policy = NumberPolicy.OURS
    exporting.save()
    invoice = make_invoice(prices=("400.00",))
    run = _export(exporting, Invoice.objects.filter(pk=invoice.pk))
    assert (run.done, run.failed) == (1, 0)
    [booked] = booked_with(sandbox, reference_of(invoice))
    assert booked["bookedInvoiceNumber"] == invoice.number
    assert Decimal(str(booked["grossAmount"])) == invoice.gross_total == Decimal("1000.00")
    assert drafts_with(sandbox, reference_of(invoice)) == []  # booking consumed the draft
    assert InvoiceExport.objects.get(invoice=invoice).booked_number == invoice.number


def test_keep_both_lets_economic_number_the_booked_invoice(exporting, sandbox):
    invoice = make_invoice()
    _export(exporting, Invoice.objects.filter(pk=invoice.pk))
    [booked] = booked_with(sandbox, reference_of(invoice))
    export = InvoiceExport.objects.get(invoice=invoice)
    assert export.economic_number == str(booked["bookedInvoiceNumber"])


def test_booking_costs_two_calls_per_invoice_with_a_linked_customer(exporting, sandbox):
    customer = make_customer()
    first = make_invoice(customer)
    _export(exporting, Invoice.objects.filter(pk=first.pk))  # creates and links the customer
    invoices = [make_invoice(customer) for _ in range(4)]
    run = _export(exporting, Invoice.objects.filter(pk__in=[i.pk for i in invoices]))
    assert ApiCall.objects.filter(export_run=run).count() == 8


def test_a_gross_difference_stops_before_booking_and_says_so(exporting, sandbox):
    # The sales account loses its VAT code in e-conomic after our reference data was read:
    # nothing here can see it, and e-conomic's gross misses our 25 %.
    sandbox.set_account_vat_code(1010, None)
    invoice = make_invoice()
    run = _export(exporting, Invoice.objects.filter(pk=invoice.pk))
    job = ExportJob.objects.get(kind="invoice", object_id=invoice.pk)
    assert job.state == JobState.FAILED and (run.failed, run.done) == (1, 0)
    assert "totals 200.00 DKK gross, ours 250.00; it was not booked" in job.last_error
    assert booked_with(sandbox, reference_of(invoice)) == []
    assert len(drafts_with(sandbox, reference_of(invoice))) == 1


def test_after_the_cause_is_fixed_a_retry_books_the_same_draft(exporting, sandbox):
    sandbox.set_account_vat_code(1010, None)  # unseen here, as above
    invoice = make_invoice()
    run = _export(exporting, Invoice.objects.filter(pk=invoice.pk))
    [draft] = drafts_with(sandbox, reference_of(invoice))
    sandbox.set_account_vat_code(1010, "U25")  # the bookkeeper puts it back
    sandbox.put(f"/invoices/drafts/{draft['draftInvoiceNumber']}", json={
        "recipient": {"name": invoice.customer.name, "vatZone": {"vatZoneNumber": 1}},
        "references": {"other": reference_of(invoice)},
        "lines": [{"product": {"productNumber": "1"}, "description": "Consulting",
                   "quantity": 2, "unitNetPrice": 100}],
    })  # a person corrects the draft in e-conomic  # fmt: skip
    job = ExportJob.objects.get(kind="invoice", object_id=invoice.pk)
    assert export_job_retry(job=job)
    export_process(connection=exporting, run=run)
    run = export_run_refresh(run=run)
    [booked] = booked_with(sandbox, reference_of(invoice))
    assert (run.done, run.failed) == (1, 0)
    assert booked["orderNumber"] == draft["draftInvoiceNumber"]


def test_a_credit_note_goes_with_negative_quantities_and_names_the_invoice(exporting, sandbox):
    invoice = make_invoice(prices=("100.00",))
    credit_note = invoice_credit(invoice=invoice)
    _export(exporting, Invoice.objects.filter(pk__in=[invoice.pk, credit_note.pk]))
    [booked] = booked_with(sandbox, reference_of(credit_note))
    full = sandbox.get(f"/invoices/booked/{booked['bookedInvoiceNumber']}").json()
    assert full["grossAmount"] == -250.0
    assert [line["quantity"] for line in full["lines"]] == [-2.0]
    assert full["notes"]["textLine1"] == f"Credits invoice {invoice.number}."


def test_with_pdf_our_invoice_is_attached_to_the_draft_before_booking(exporting, sandbox):
    exporting.include_pdf = True
    exporting.save()
    invoice = make_invoice()
    since = sandbox.last_request_id()
    run = _export(exporting, Invoice.objects.filter(pk=invoice.pk))
    assert run.done == 1
    paths = [(entry["method"], entry["path"]) for entry in sandbox.request_log(since)
             if entry["method"] != "GET"]  # fmt: skip
    draft = ExportJob.objects.get(kind="invoice").draft_number
    assert paths.index(("POST", f"/invoices/drafts/{draft}/attachment/file")) < paths.index(
        ("POST", "/invoices/booked")
    )


def test_with_project_sync_the_project_is_created_and_referenced(exporting, sandbox):
    from accounts_app.models import Project

    exporting.sync_projects = True
    exporting.save()
    customer = make_customer()
    project = Project.objects.create(number=4711, name="Harbour bridge", customer=customer)
    invoice = make_invoice(customer, project=project)
    run = _export(exporting, Invoice.objects.filter(pk=invoice.pk))
    assert run.done == 1
    remote = sandbox.get("/api/v22.0.0/projects/4711").json()
    assert remote["name"] == "Harbour bridge"
    [booked] = booked_with(sandbox, reference_of(invoice))
    full = sandbox.get(f"/invoices/booked/{booked['bookedInvoiceNumber']}").json()
    assert full["project"]["projectNumber"] == 4711

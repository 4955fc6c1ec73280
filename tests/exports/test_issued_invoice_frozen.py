"""An issued invoice goes to e-conomic as it was issued: a customer or a VAT code edited after
finalization changes neither the draft's recipient nor its VAT zone."""

from decimal import Decimal

from accounts_app.models import Customer, Invoice, VatCode
from accounts_app.services import invoice_credit
from integration.services.exports import export_process, export_run_refresh, export_run_start
from tests.exports.conftest import drafts_with, make_customer, make_invoice, reference_of


def _export(connection, invoice):
    run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk))
    export_process(connection=connection, run=run)
    return export_run_refresh(run=run)


def _draft(sandbox, invoice) -> dict:
    [draft] = drafts_with(sandbox, reference_of(invoice))
    return sandbox.get(f"/invoices/drafts/{draft['draftInvoiceNumber']}").json()


def _edit(customer: Customer, **fields) -> None:
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.save()


def test_a_customer_and_vat_code_edited_after_issue_leave_the_exported_recipient_and_zone(
    exporting, sandbox
):
    customer = make_customer(name="Fjordhuset ApS", vat_number="12345674", address="Vejen 1",
                             zip_code="8000", city="Aarhus C")  # fmt: skip
    invoice = make_invoice(customer, prices=("100.00",))
    _edit(customer, name="Renamed GmbH", address="Hauptstraße 5", zip_code="10115",
          city="Berlin", country="DE", vat_number="DE136695976",
          vat_situation=Customer.VatSituation.EU_REVERSE_CHARGE)  # fmt: skip
    VatCode.objects.filter(code="S25").update(rate=Decimal("12.00"))
    run = _export(exporting, invoice)
    assert (run.state, run.done, run.failed) == ("done", 1, 0)
    recipient = _draft(sandbox, invoice)["recipient"]
    assert (recipient["name"], recipient["address"], recipient["zip"], recipient["city"]) == (
        "Fjordhuset ApS", "Vejen 1", "8000", "Aarhus C")  # fmt: skip
    assert recipient["country"] == "Denmark"
    assert recipient["vatZone"]["vatZoneNumber"] == 1  # domestic, as issued; EU would be 2
    assert Decimal(str(_draft(sandbox, invoice)["grossAmount"])) == Decimal("250.00")


def test_a_credit_note_is_exported_in_the_zone_of_the_invoice_it_credits(exporting, sandbox):
    customer = make_customer(name="Fjordhuset ApS", vat_number="12345674")
    invoice = make_invoice(customer)
    _edit(customer, name="Renamed ApS", vat_situation=Customer.VatSituation.EXEMPT)
    credit_note = invoice_credit(invoice=invoice)
    run = _export(exporting, credit_note)
    assert (run.state, run.done) == ("done", 1)
    recipient = _draft(sandbox, credit_note)["recipient"]
    assert (recipient["name"], recipient["vatZone"]["vatZoneNumber"]) == ("Fjordhuset ApS", 1)

"""Invoices exported as drafts are found once a person books them in e-conomic, in the unpaid
pages the import reads anyway."""

from decimal import Decimal

from accounts_app.models import Invoice
from integration.models import InvoiceExport
from integration.models.connection import ExportMethod
from tests.exports.conftest import make_invoice
from tests.payments.conftest import fresh, remote_book, remote_draft, run_import


def draft_exported(connection, sandbox, **remote_changes) -> tuple[Invoice, int]:
    invoice = make_invoice()
    draft = remote_draft(sandbox, invoice)
    InvoiceExport.objects.create(
        connection=connection, invoice=invoice, method=ExportMethod.DRAFT,
        draft_number=draft["draftInvoiceNumber"],
    )  # fmt: skip
    return invoice, draft["draftInvoiceNumber"]


def test_a_booked_draft_is_matched_by_our_reference_and_its_payment_recorded(paying, sandbox):
    invoice, draft_number = draft_exported(paying, sandbox)
    number = remote_book(sandbox, draft_number)
    sandbox.register_payment(number, 100.0)

    run = run_import(paying)

    assert run.partial == 1
    assert InvoiceExport.objects.get(invoice=invoice).booked_number == number
    assert fresh(invoice).amount_paid == Decimal("100.00")


def test_a_booked_draft_without_our_reference_is_matched_by_its_order_number(paying, sandbox):
    invoice, draft_number = draft_exported(paying, sandbox)
    answer = sandbox.get(f"/invoices/drafts/{draft_number}").json()
    answer["references"] = {}
    assert sandbox.put(f"/invoices/drafts/{draft_number}", json=answer).status_code == 200
    number = remote_book(sandbox, draft_number)
    booked = sandbox.get(f"/invoices/booked/{number}").json()
    assert "other" not in booked.get("references", {}) and booked["orderNumber"] == draft_number

    run = run_import(paying)

    assert run.unchanged == 1
    assert InvoiceExport.objects.get(invoice=invoice).booked_number == number


def test_a_draft_nobody_booked_yet_is_left_waiting(paying, sandbox):
    invoice, _draft_number = draft_exported(paying, sandbox)

    run = run_import(paying)

    assert run.checked == 0
    assert InvoiceExport.objects.get(invoice=invoice).booked_number is None

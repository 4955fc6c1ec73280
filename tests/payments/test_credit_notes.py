"""A credit note settled against an invoice is not cash: it is recorded as a settlement."""

from decimal import Decimal

from accounts_app.models import Invoice, Payment
from accounts_app.services import invoice_credit
from integration.models import InvoiceExport, SyncedPayment
from integration.models.connection import ExportMethod
from tests.payments.conftest import exported, fresh, remote_book, remote_draft, run_import


def test_an_invoice_settled_by_our_exported_credit_note_records_no_cash(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    credit_note = invoice_credit(invoice=invoice)
    credit_number = remote_book(sandbox, remote_draft(sandbox, credit_note)["draftInvoiceNumber"])
    InvoiceExport.objects.create(
        connection=paying, invoice=credit_note, method=ExportMethod.BOOKED,
        booked_number=credit_number,
    )  # fmt: skip
    # In e-conomic the credit note is matched against the invoice: its remainder drops by 250.
    sandbox.register_payment(number, 250.0)

    run = run_import(paying)

    assert run.checked == 1  # the credit note itself is never checked for payments
    synced = SyncedPayment.objects.get(invoice=invoice)
    assert (synced.kind, synced.amount, synced.payment) == ("credit_note", Decimal("250.00"), None)
    invoice = fresh(invoice)
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.CREDITED, Decimal("0.00"))
    assert not Payment.objects.exists()
    again = run_import(paying)  # settled: no longer open, so nothing to confirm
    # The unpaid page, and the accounting years and payment entries booked since the last run.
    assert (again.unchanged, again.api_calls) == (1, 3)


def test_a_credited_invoice_without_an_exported_credit_note_records_cash(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    invoice_credit(invoice=invoice)
    sandbox.register_payment(number, 250.0)

    assert run_import(paying).paid == 1

    assert SyncedPayment.objects.get(invoice=invoice).kind == "cash"
    assert Payment.objects.get(invoice=invoice).amount == Decimal("250.00")

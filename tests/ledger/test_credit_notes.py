import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts_app.errors import InvoiceCreditError
from accounts_app.models import Invoice
from accounts_app.services import invoice_credit
from tests.ledger.factories import InvoiceFactory, invoice_with_lines

pytestmark = pytest.mark.django_db


def test_a_credit_note_negates_every_line_and_is_linked_to_the_invoice():
    invoice = invoice_with_lines(prices=[Decimal("99.99"), Decimal("0.05")], finalized=True)
    credit_note = invoice_credit(invoice=invoice, issue_date=datetime.date(2026, 5, 1))
    invoice.refresh_from_db()
    assert credit_note.credited_invoice == invoice
    assert credit_note.is_credit_note and credit_note.state == Invoice.State.FINALIZED
    assert credit_note.number == invoice.number + 1  # the same series: see INVOICE_SERIES
    assert [line.quantity for line in credit_note.lines.all()] == [Decimal("-1")] * 2
    assert (credit_note.net_total, credit_note.vat_total, credit_note.gross_total) == (
        -invoice.net_total, -invoice.vat_total, -invoice.gross_total,
    )  # fmt: skip
    assert invoice.state == Invoice.State.CREDITED


def test_a_draft_cannot_be_credited():
    with pytest.raises(InvoiceCreditError, match="is a draft; delete or edit it"):
        invoice_credit(invoice=invoice_with_lines())


def test_an_invoice_is_credited_only_once():
    invoice = invoice_with_lines(finalized=True)
    invoice_credit(invoice=invoice)
    with pytest.raises(InvoiceCreditError, match="has already been credited"):
        invoice_credit(invoice=invoice)
    assert invoice.credit_notes.count() == 1


def test_a_credit_note_cannot_itself_be_credited():
    credit_note = invoice_credit(invoice=invoice_with_lines(finalized=True))
    with pytest.raises(InvoiceCreditError, match="is a credit note"):
        invoice_credit(invoice=credit_note)


def test_the_database_refuses_a_second_credit_note_for_one_invoice():
    invoice = invoice_with_lines(finalized=True)
    invoice_credit(invoice=invoice)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceFactory(customer=invoice.customer, credited_invoice=invoice)

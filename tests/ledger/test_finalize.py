import datetime
from decimal import Decimal

import pytest

from accounts_app.errors import InvoiceFinalizeError
from accounts_app.models import Invoice, InvoiceNumberSeries
from accounts_app.services import invoice_finalize, invoice_line_add
from tests.ledger.factories import InvoiceFactory, PaymentConditionFactory, invoice_with_lines

pytestmark = pytest.mark.django_db


def test_finalizing_numbers_invoices_one_after_another_from_one():
    InvoiceNumberSeries.objects.all().delete()
    numbers = [invoice_with_lines(finalized=True).number for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_finalizing_sets_the_state_the_totals_and_the_due_date():
    condition = PaymentConditionFactory(name="Net 30", days=30)
    invoice = invoice_with_lines(
        prices=[Decimal("80.00")], issue_date=datetime.date(2026, 3, 10),
        customer__payment_condition=condition,
    )  # fmt: skip
    finalized = invoice_finalize(invoice=invoice)
    assert finalized.state == Invoice.State.FINALIZED
    assert finalized.gross_total == Decimal("100.00")
    assert finalized.due_date == datetime.date(2026, 4, 9)
    assert finalized.finalized_at is not None


def test_finalizing_an_invoice_without_lines_is_refused_and_changes_nothing():
    invoice = InvoiceFactory()
    next_before = InvoiceNumberSeries.objects.get_or_create(name="invoices")[0].next_number
    with pytest.raises(InvoiceFinalizeError, match="has no lines. Add at least one line"):
        invoice_finalize(invoice=invoice)
    invoice.refresh_from_db()
    assert (invoice.state, invoice.number) == (Invoice.State.DRAFT, None)
    assert InvoiceNumberSeries.objects.get(name="invoices").next_number == next_before


def test_finalizing_with_a_line_lacking_a_vat_code_names_the_line_and_changes_nothing():
    invoice = invoice_with_lines()
    invoice_line_add(invoice=invoice, description="Travel to Aarhus", quantity=Decimal("1"),
                     unit_price=Decimal("500"), vat_code=None)  # fmt: skip
    next_before = InvoiceNumberSeries.objects.get_or_create(name="invoices")[0].next_number
    with pytest.raises(InvoiceFinalizeError, match="no VAT code: Travel to Aarhus"):
        invoice_finalize(invoice=invoice)
    invoice.refresh_from_db()
    assert (invoice.state, invoice.number) == (Invoice.State.DRAFT, None)
    assert InvoiceNumberSeries.objects.get(name="invoices").next_number == next_before


def test_finalizing_twice_is_refused_and_keeps_the_first_number():
    invoice = invoice_with_lines(finalized=True)
    with pytest.raises(InvoiceFinalizeError, match="already finalized"):
        invoice_finalize(invoice=invoice)
    assert Invoice.objects.get(pk=invoice.pk).number == invoice.number


def test_a_due_date_condition_without_a_due_date_is_refused():
    condition = PaymentConditionFactory(name="Agreed date", kind="due_date", days=0)
    invoice = invoice_with_lines(customer__payment_condition=condition)
    with pytest.raises(InvoiceFinalizeError, match="has no due date. Enter one"):
        invoice_finalize(invoice=invoice)

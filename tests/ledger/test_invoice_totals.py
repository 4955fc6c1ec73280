from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from accounts_app.models import Invoice
from accounts_app.money import line_amounts
from accounts_app.selectors import invoices_open
from accounts_app.services import (
    invoice_credit,
    invoice_finalize,
    invoice_line_add,
    payment_register,
)
from tests.ledger.factories import InvoiceFactory, VatCodeFactory, invoice_with_lines

pytestmark = pytest.mark.django_db


def test_adding_lines_stores_the_sums_of_the_rounded_lines_on_the_invoice():
    invoice = InvoiceFactory()
    vat = VatCodeFactory(rate=Decimal("25"))
    for price in ("33.335", "0.005", "19.99"):
        invoice_line_add(invoice=invoice, description="x", quantity=Decimal("1"),
                         unit_price=Decimal(price), vat_code=vat)  # fmt: skip
    invoice.refresh_from_db()
    # prices are stored in cents (33.34, 0.01); lines: 33.34 / 8.34, 0.01 / 0.00, 19.99 / 5.00
    assert invoice.net_total == Decimal("53.34")
    assert invoice.vat_total == Decimal("13.34")
    assert invoice.gross_total == Decimal("66.68")
    assert [line.position for line in invoice.lines.all()] == [0, 1, 2]


def test_a_line_with_discount_and_no_vat_code_counts_no_vat():
    invoice = InvoiceFactory()
    line = invoice_line_add(invoice=invoice, description="x", quantity=Decimal("2"),
                            unit_price=Decimal("50"), vat_code=None,
                            discount_percent=Decimal("10"))  # fmt: skip
    assert (line.net_amount, line.vat_amount) == (Decimal("90.00"), Decimal("0.00"))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(st.tuples(
    st.decimals(min_value=-50, max_value=500, places=2, allow_nan=False),
    st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False),
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
), min_size=1, max_size=8))  # fmt: skip
def test_a_finalized_invoice_stores_the_sums_of_its_stored_rounded_lines(db, raw_lines):
    # Through the database (where SQLite keeps decimals as floats) and back, not only in Python.
    invoice = InvoiceFactory()
    vat = VatCodeFactory(rate=Decimal("25"))
    for quantity, price, discount in raw_lines:
        invoice_line_add(invoice=invoice, description="x", quantity=quantity, unit_price=price,
                         vat_code=vat, discount_percent=discount)  # fmt: skip
    invoice.refresh_from_db()
    assume(invoice.gross_total >= 0)  # a negative one is a credit note's to issue
    finalized = Invoice.objects.get(pk=invoice_finalize(invoice=invoice).pk)
    lines = list(finalized.lines.all())
    for line, (quantity, price, discount) in zip(lines, raw_lines, strict=True):
        expected = line_amounts(quantity=quantity, unit_price=price, discount_percent=discount,
                                vat_rate=Decimal("25"))  # fmt: skip
        assert (line.net_amount, line.vat_amount) == (expected.net, expected.vat)
    assert finalized.net_total == sum((line.net_amount for line in lines), Decimal("0"))
    assert finalized.vat_total == sum((line.vat_amount for line in lines), Decimal("0"))
    assert finalized.gross_total == finalized.net_total + finalized.vat_total


def test_open_invoices_are_the_finalized_unpaid_ones_oldest_due_first():
    import datetime

    later = invoice_with_lines(issue_date=datetime.date(2026, 2, 1), finalized=True)
    earlier = invoice_with_lines(issue_date=datetime.date(2026, 1, 1), finalized=True)
    partly = invoice_with_lines(issue_date=datetime.date(2026, 3, 1), finalized=True)
    payment_register(invoice=partly, date=datetime.date(2026, 3, 2), amount=Decimal("1.00"))
    paid = invoice_with_lines(finalized=True)
    payment_register(invoice=paid, date=datetime.date(2026, 3, 2), amount=paid.gross_total)
    invoice_credit(invoice=invoice_with_lines(finalized=True))
    invoice_with_lines()  # a draft
    assert list(invoices_open()) == [earlier, later, partly]

from decimal import Decimal

import pytest

from accounts_app.services import invoice_line_add
from tests.ledger.factories import InvoiceFactory, VatCodeFactory

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

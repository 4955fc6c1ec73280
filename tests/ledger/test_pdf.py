import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from accounts_app.services import invoice_credit, invoice_render_pdf
from tests.ledger.factories import CustomerFactory, invoice_with_lines

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_the_pdf_shows_number_dates_customer_lines_vat_and_totals():
    customer = CustomerFactory(name="Møller & Søn <ApS>", vat_number="13585628",
                               address="Åboulevarden 1", zip_code="8000", city="Aarhus C")  # fmt: skip
    invoice = invoice_with_lines(customer=customer, prices=[Decimal("1000.00"), Decimal("234.56")],
                                 issue_date=datetime.date(2026, 2, 2), finalized=True)  # fmt: skip
    data = invoice_render_pdf(invoice=invoice)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for expected in [
        f"Invoice {invoice.number}", "2026-02-02", invoice.due_date.isoformat(),
        "Møller & Søn <ApS>", "Åboulevarden 1", "8000 Aarhus C", "CVR / VAT: 13585628",
        "Line 1", "Line 2", "25.00", "1,234.56", "308.64", "1,543.20", "Total DKK",
    ]:  # fmt: skip
        assert expected in text, expected


def test_a_credit_note_pdf_names_the_invoice_it_credits():
    invoice = invoice_with_lines(finalized=True)
    text = pdf_text(invoice_render_pdf(invoice=invoice_credit(invoice=invoice)))
    assert f"Credit note {invoice.number + 1}" in text
    assert "Credits invoice" in text and "-125.00" in text


def test_a_draft_pdf_says_it_is_not_numbered():
    assert "draft, not numbered" in pdf_text(invoice_render_pdf(invoice=invoice_with_lines()))

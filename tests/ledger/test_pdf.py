import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from accounts_app.models import Customer, Invoice, VatCode
from accounts_app.services import (
    invoice_credit,
    invoice_finalize,
    invoice_line_add,
    invoice_render_pdf,
)
from tests.ledger.factories import CustomerFactory, VatCodeFactory, invoice_with_lines

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
        f"Invoice {invoice.number}", "02 Feb 2026", f"{invoice.due_date:%d %b %Y}",
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


SELLER = {
    "LEDGER_SELLER_NAME": "Nordlys Consulting ApS",
    "LEDGER_SELLER_ADDRESS": "Strandgade 12, 1401 København K",
    "LEDGER_SELLER_CVR": "12345674",
    "LEDGER_SELLER_BANK_REG": "1234",
    "LEDGER_SELLER_BANK_ACCOUNT": "0012345678",
    "LEDGER_SELLER_IBAN": "DK5912340012345678",
    "LEDGER_SELLER_BIC": "DABADKKK",
}


def test_the_pdf_names_the_seller_with_address_cvr_and_payment_details(settings):
    for name, value in SELLER.items():
        setattr(settings, name, value)
    text = pdf_text(invoice_render_pdf(invoice=invoice_with_lines(finalized=True)))
    for expected in [
        "Nordlys Consulting ApS", "Strandgade 12, 1401 København K", "CVR: 12345674",
        "Reg. no. 1234, account no. 0012345678", "IBAN DK5912340012345678, BIC DABADKKK",
    ]:  # fmt: skip
        assert expected in text, expected


def test_the_pdf_leaves_out_payment_details_that_are_not_set(settings):
    settings.LEDGER_SELLER_IBAN = "DK5912340012345678"
    settings.LEDGER_SELLER_BANK_REG = "1234"
    settings.LEDGER_SELLER_BANK_ACCOUNT = settings.LEDGER_SELLER_BIC = ""
    text = pdf_text(invoice_render_pdf(invoice=invoice_with_lines(finalized=True)))
    assert "IBAN DK5912340012345678" in text
    assert "BIC" not in text and "Reg. no." not in text


def test_an_eu_reverse_charge_buyer_reads_omvendt_betalingspligt_and_a_domestic_one_does_not():
    german = CustomerFactory(country="DE", vat_number="DE136695976",
                             vat_situation=Customer.VatSituation.EU_REVERSE_CHARGE)  # fmt: skip
    danish = CustomerFactory(vat_number="13585628")
    reverse = pdf_text(invoice_render_pdf(invoice=invoice_with_lines(customer=german, finalized=True)))
    domestic = pdf_text(invoice_render_pdf(invoice=invoice_with_lines(customer=danish, finalized=True)))
    assert "Omvendt betalingspligt" in reverse and "CVR / VAT: DE136695976" in reverse
    assert "Omvendt betalingspligt" not in domestic


def test_the_vat_is_shown_per_rate_with_the_amount_it_is_charged_on():
    invoice = invoice_with_lines(prices=[Decimal("1000.00")])
    invoice_line_add(invoice=invoice, description="Books", quantity=Decimal("2"),
                     unit_price=Decimal("100.00"), vat_code=VatCodeFactory(code="R10", rate=10))  # fmt: skip
    invoice = invoice_finalize(invoice=invoice)
    text = pdf_text(invoice_render_pdf(invoice=invoice))
    # pypdf reads each cell of the totals table on a line of its own.
    for expected in ["VAT 25.00 % of 1,000.00\n250.00", "VAT 10.00 % of 200.00\n20.00",
                     "VAT total\n270.00", "Total DKK\n1,470.00"]:  # fmt: skip
        assert expected in text, expected


def _edit_customer_and_vat_code(invoice):
    customer = invoice.customer
    customer.name, customer.address, customer.city = "Renamed A/S", "Nyvej 9", "Odense C"
    customer.vat_number, customer.country = "DE136695976", "DE"
    customer.vat_situation = Customer.VatSituation.EU_REVERSE_CHARGE
    customer.save()
    VatCode.objects.filter(code="S25").update(rate=Decimal("12.00"))


def test_editing_the_customer_or_a_vat_code_after_finalizing_leaves_the_pdf_as_issued():
    customer = CustomerFactory(name="Møller ApS", address="Åboulevarden 1", zip_code="8000",
                               city="Aarhus C", vat_number="13585628")  # fmt: skip
    invoice = invoice_with_lines(customer=customer, finalized=True)
    issued = pdf_text(invoice_render_pdf(invoice=invoice))
    _edit_customer_and_vat_code(invoice)
    again = pdf_text(invoice_render_pdf(invoice=Invoice.objects.get(pk=invoice.pk)))
    assert again == issued
    assert "Møller ApS" in again and "VAT 25.00 % of 100.00" in again
    assert "Renamed" not in again and "Omvendt betalingspligt" not in again


def test_a_draft_is_not_frozen_so_its_pdf_shows_the_customer_and_vat_code_as_edited():
    invoice = invoice_with_lines(customer=CustomerFactory(name="Møller ApS", vat_number="13585628"))
    _edit_customer_and_vat_code(invoice)
    text = pdf_text(invoice_render_pdf(invoice=Invoice.objects.get(pk=invoice.pk)))
    assert "Renamed A/S" in text and "Nyvej 9" in text and "Møller" not in text
    assert "Omvendt betalingspligt" in text and "12.00" in text


def test_a_credit_note_goes_to_the_buyer_the_invoice_was_issued_to():
    invoice = invoice_with_lines(customer=CustomerFactory(name="Møller ApS"), finalized=True)
    _edit_customer_and_vat_code(invoice)
    text = pdf_text(invoice_render_pdf(invoice=invoice_credit(invoice=invoice)))
    assert "Møller ApS" in text and "Renamed" not in text
    assert "VAT 25.00 % of -100.00\n-25.00" in text and "Omvendt betalingspligt" not in text

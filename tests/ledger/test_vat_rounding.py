"""The ledger rounds an invoice's VAT as its accounting system does: per line (the lines' own
VAT summed) or per document (once per rate on the summed nets), fixed with the invoice."""

from decimal import Decimal

from accounts_app.services import invoice_credit, invoice_render_pdf
from tests.exports.conftest import make_invoice
from tests.ledger.test_pdf import pdf_text


def test_per_line_the_vat_is_the_lines_own_summed(db, settings):
    settings.LEDGER_VAT_ROUNDING = "line"
    invoice = make_invoice(prices=("0.01", "0.01", "0.01"))  # 0.02 net a line, 0.005 VAT each
    assert (invoice.vat_rounding, invoice.vat_total, invoice.gross_total) == (
        "line", Decimal("0.03"), Decimal("0.09"),
    )  # fmt: skip


def test_per_document_the_vat_is_rounded_once_per_rate(db, settings):
    settings.LEDGER_VAT_ROUNDING = "document"
    invoice = make_invoice(prices=("0.01", "0.01", "0.01"))
    assert (invoice.vat_rounding, invoice.vat_total, invoice.gross_total) == (
        "document", Decimal("0.02"), Decimal("0.08"),
    )  # fmt: skip
    assert "Moms 25,00 % af 0,06" in pdf_text(invoice_render_pdf(invoice=invoice))


def test_an_issued_invoice_keeps_its_rounding_when_the_setting_changes(db, settings):
    settings.LEDGER_VAT_ROUNDING = "document"
    invoice = make_invoice(prices=("0.01", "0.01", "0.01"))
    before = pdf_text(invoice_render_pdf(invoice=invoice))
    settings.LEDGER_VAT_ROUNDING = "line"
    invoice.refresh_from_db()
    assert (invoice.vat_rounding, invoice.vat_total) == ("document", Decimal("0.02"))
    assert pdf_text(invoice_render_pdf(invoice=invoice)) == before
    credit_note = invoice_credit(invoice=invoice)  # the exact negative of what was issued
    assert (credit_note.vat_rounding, credit_note.vat_total) == ("document", Decimal("-0.02"))

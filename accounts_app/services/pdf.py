"""The invoice as a PDF, drawn locally with reportlab (the export attaches it in e-conomic)."""
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accounts_app.models import Invoice

STYLES = getSampleStyleSheet()
LINE_HEADER = ["Description", "Quantity", "Unit price", "Discount %", "VAT %", "Amount"]


def invoice_render_pdf(*, invoice: Invoice) -> bytes:
    """An A4 PDF with the number, dates, customer, lines, VAT and totals of the invoice."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_title(invoice),
        author=_seller_name(),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
    )
    document.build(
        [
            *_heading(invoice),
            _facts_table(invoice),
            Spacer(1, 8 * mm),
            _lines_table(invoice),
            Spacer(1, 4 * mm),
            _totals_table(invoice),
            *_notes(invoice),
        ]
    )
    return buffer.getvalue()


def _seller_name() -> str:
    # The setup check warns while the setting is empty; until then the product's name stands in.
    return settings.LEDGER_SELLER_NAME or "Ledger Bridge"


def _title(invoice: Invoice) -> str:
    kind = "Credit note" if invoice.is_credit_note else "Invoice"
    return f"{kind} {invoice.number}" if invoice.number else f"{kind} (draft, not numbered)"


def _paragraph(text: str, style: str = "Normal") -> Paragraph:
    # reportlab reads Paragraph text as markup: escape names such as "Smith & Co <DK>".
    return Paragraph(escape(text).replace("\n", "<br/>"), STYLES[style])


def _heading(invoice: Invoice) -> list:
    return [_paragraph(_seller_name(), "Normal"), _paragraph(_title(invoice), "Title")]


def _customer_lines(invoice: Invoice) -> str:
    customer = invoice.customer
    lines = [customer.name, customer.address, f"{customer.zip_code} {customer.city}".strip()]
    lines.append(customer.country.name)
    if customer.vat_number:
        lines.append(f"CVR / VAT: {customer.vat_number}")
    if customer.ean:
        lines.append(f"EAN: {customer.ean}")
    return "\n".join(line for line in lines if line)


def _facts_table(invoice: Invoice) -> Table:
    facts = [
        ("Number", str(invoice.number) if invoice.number else "Draft"),
        ("Issue date", invoice.issue_date.isoformat()),
        ("Due date", invoice.due_date.isoformat() if invoice.due_date else "-"),
        ("Customer no.", str(invoice.customer.number)),
        ("Currency", invoice.currency),
    ]
    if invoice.credited_invoice_id:
        facts.append(("Credits invoice", str(invoice.credited_invoice.number)))
    for label, value in (("Our reference", invoice.our_reference),
                         ("Your reference", invoice.their_reference)):  # fmt: skip
        if value:
            facts.append((label, value))
    facts_cell = Table([[label, _paragraph(value)] for label, value in facts])
    table = Table([[_paragraph(_customer_lines(invoice)), facts_cell]], colWidths=[90 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def _lines_table(invoice: Invoice) -> Table:
    rows = [LINE_HEADER]
    for line in invoice.lines.select_related("vat_code"):
        rows.append([
            _paragraph(line.description),
            f"{line.quantity:,.2f}",
            _amount(line.unit_price),
            f"{line.discount_percent:.2f}",
            f"{line.vat_code.rate:.2f}" if line.vat_code else "-",
            _amount(line.net_amount),
        ])  # fmt: skip
    table = Table(rows, colWidths=[70 * mm, 20 * mm, 25 * mm, 20 * mm, 15 * mm, 24 * mm],
                  repeatRows=1)  # fmt: skip
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    return table


def _totals_table(invoice: Invoice) -> Table:
    rows = [
        ("Net total", _amount(invoice.net_total)),
        ("VAT", _amount(invoice.vat_total)),
        (f"Total {invoice.currency}", _amount(invoice.gross_total)),
    ]
    table = Table(rows, colWidths=[40 * mm, 30 * mm], hAlign="RIGHT")
    table.setStyle(TableStyle([
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
    ]))  # fmt: skip
    return table


def _notes(invoice: Invoice) -> list:
    if not invoice.notes:
        return []
    return [Spacer(1, 8 * mm), _paragraph(invoice.notes)]

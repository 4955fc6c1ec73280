"""The invoice as a PDF, drawn locally with reportlab (the export attaches it in e-conomic).

It carries what a Danish invoice must (momsbekendtgørelsen § 58): the seller's name, address and
CVR, the buyer's name and address (and CVR/VAT number), the VAT per rate, and "Omvendt
betalingspligt" when the buyer accounts for the VAT (EU reverse charge). A finalized invoice
renders from what was frozen at its issue, so a later edit of the customer or of a VAT code
does not change it."""
from dataclasses import dataclass, fields
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django_countries import countries
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accounts_app.models import Customer, Invoice
from accounts_app.money import vat_by_rate
from accounts_app.services.invoices import invoice_line_amounts

STYLES = getSampleStyleSheet()
LINE_HEADER = ["Description", "Quantity", "Unit price", "Discount %", "VAT %", "Amount"]
# The wording SKAT asks for when the buyer, not the seller, accounts for the VAT.
REVERSE_CHARGE = "Omvendt betalingspligt"


@dataclass(frozen=True)
class Seller:
    """The company that issues the invoices, from the LEDGER_SELLER_* settings."""

    name: str
    address: str
    cvr: str
    bank_reg: str
    bank_account: str
    iban: str
    bic: str

    @classmethod
    def from_settings(cls) -> "Seller":
        return cls(**{name: getattr(settings, f"LEDGER_SELLER_{name.upper()}", "")
                      for name in (field.name for field in fields(cls))})  # fmt: skip

    @property
    def pays_domestically(self) -> bool:
        return bool(self.bank_reg and self.bank_account)


def seller_missing_settings() -> list[str]:
    """The LEDGER_SELLER_* settings a legal invoice needs that are empty: name, address, CVR,
    and a way to pay (bank reg. no. with account, or an IBAN)."""
    seller = Seller.from_settings()
    missing = [f"LEDGER_SELLER_{name.upper()}" for name in ("name", "address", "cvr")
               if not getattr(seller, name)]  # fmt: skip
    if not (seller.pays_domestically or seller.iban):
        missing.append(
            "LEDGER_SELLER_BANK_REG and LEDGER_SELLER_BANK_ACCOUNT, or LEDGER_SELLER_IBAN"
        )
    return missing


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
            *_reverse_charge(invoice),
            *_payment_details(),
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
    seller = Seller.from_settings()
    lines = [_seller_name(), seller.address, f"CVR: {seller.cvr}" if seller.cvr else ""]
    return [
        _paragraph("\n".join(line for line in lines if line), "Normal"),
        _paragraph(_title(invoice), "Title"),
    ]


def _customer_lines(invoice: Invoice) -> str:
    buyer = invoice.buyer
    lines = [buyer.name, buyer.address, f"{buyer.zip_code} {buyer.city}".strip()]
    lines.append(str(countries.name(buyer.country)))
    if buyer.vat_number:
        lines.append(f"CVR / VAT: {buyer.vat_number}")
    if buyer.ean:
        lines.append(f"EAN: {buyer.ean}")
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
            f"{line.vat_rate:.2f}" if line.vat_rate is not None else "-",
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


def _vat_by_rate(invoice: Invoice) -> list[tuple[str, str]]:
    """One row per VAT rate, with the net it is charged on and its VAT, rounded as the
    invoice's VAT is (the lines' own summed, or once per rate)."""
    by_rate = vat_by_rate(invoice_line_amounts(invoice=invoice), rounding=invoice.vat_rounding)
    return [(f"VAT {rate:.2f} % of {_amount(base)}", _amount(vat))
            for rate, (base, vat) in sorted(by_rate.items(), reverse=True)]  # fmt: skip


def _totals_table(invoice: Invoice) -> Table:
    rows = [
        ("Net total", _amount(invoice.net_total)),
        *_vat_by_rate(invoice),
        ("VAT total", _amount(invoice.vat_total)),
        (f"Total {invoice.currency}", _amount(invoice.gross_total)),
    ]
    table = Table(rows, colWidths=[60 * mm, 30 * mm], hAlign="RIGHT")
    table.setStyle(TableStyle([
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
    ]))  # fmt: skip
    return table


def _reverse_charge(invoice: Invoice) -> list:
    if invoice.buyer.vat_situation != Customer.VatSituation.EU_REVERSE_CHARGE:
        return []
    note = f"{REVERSE_CHARGE} (reverse charge): the buyer accounts for the VAT."
    return [Spacer(1, 6 * mm), _paragraph(note)]


def _payment_details() -> list:
    seller = Seller.from_settings()
    ways = []
    if seller.pays_domestically:
        ways.append(f"Reg. no. {seller.bank_reg}, account no. {seller.bank_account}")
    if seller.iban:
        ways.append(f"IBAN {seller.iban}" + (f", BIC {seller.bic}" if seller.bic else ""))
    if not ways:
        return []
    return [Spacer(1, 6 * mm), _paragraph("Payment: " + "\n".join(ways))]


def _notes(invoice: Invoice) -> list:
    if not invoice.notes:
        return []
    return [Spacer(1, 8 * mm), _paragraph(invoice.notes)]

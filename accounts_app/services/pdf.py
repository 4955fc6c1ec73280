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
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
LINE_HEADER = [
    gettext_lazy("Description"), gettext_lazy("Quantity"), gettext_lazy("Unit price"),
    gettext_lazy("Discount %"), gettext_lazy("VAT %"), gettext_lazy("Amount"),
]  # fmt: skip
# The wording SKAT asks for when the buyer, not the seller, accounts for the VAT: in Danish on
# every invoice, with its meaning beside it in English.
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
    """An A4 PDF with the number, dates, customer, lines, VAT and totals of the invoice, in the
    invoice's language: its buyer's, fixed when it was issued, so the PDF never changes."""
    with translation.override(invoice_language(invoice=invoice)):
        return _pdf(invoice)


def invoice_language(*, invoice: Invoice) -> str:
    """The language of the invoice's PDF: as issued, or its customer's while a draft."""
    return invoice.buyer.language or invoice.customer.invoice_language


def _pdf(invoice: Invoice) -> bytes:
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
    if invoice.number:
        return str(invoice)
    if invoice.is_credit_note:
        return _("Credit note (draft, not numbered)")
    return _("Invoice (draft, not numbered)")


def _paragraph(text: str, style: str = "Normal") -> Paragraph:
    # reportlab reads Paragraph text as markup: escape names such as "Smith & Co <DK>".
    return Paragraph(escape(text).replace("\n", "<br/>"), STYLES[style])


def _heading(invoice: Invoice) -> list:
    seller = Seller.from_settings()
    lines = [_seller_name(), seller.address,
             _("CVR: %(cvr)s") % {"cvr": seller.cvr} if seller.cvr else ""]  # fmt: skip
    return [
        _paragraph("\n".join(line for line in lines if line), "Normal"),
        _paragraph(_title(invoice), "Title"),
    ]


def _customer_lines(invoice: Invoice) -> str:
    buyer = invoice.buyer
    lines = [buyer.name, buyer.address, f"{buyer.zip_code} {buyer.city}".strip()]
    lines.append(str(countries.name(buyer.country)))
    if buyer.vat_number:
        lines.append(_("CVR / VAT: %(number)s") % {"number": buyer.vat_number})
    if buyer.ean:
        lines.append(_("EAN: %(ean)s") % {"ean": buyer.ean})
    return "\n".join(line for line in lines if line)


def _facts_table(invoice: Invoice) -> Table:
    facts = [
        (_("Number"), str(invoice.number) if invoice.number else _("Draft")),
        (_("Issue date"), _date(invoice.issue_date)),
        (_("Due date"), _date(invoice.due_date) if invoice.due_date else "-"),
        (_("Customer no."), str(invoice.customer.number)),
        (_("Currency"), invoice.currency),
    ]
    if invoice.credited_invoice_id:
        facts.append((_("Credits invoice"), str(invoice.credited_invoice.number)))
    for label, value in ((_("Our reference"), invoice.our_reference),
                         (_("Your reference"), invoice.their_reference)):  # fmt: skip
        if value:
            facts.append((label, value))
    facts_cell = Table([[label, _paragraph(value)] for label, value in facts])
    table = Table([[_paragraph(_customer_lines(invoice)), facts_cell]], colWidths=[90 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _amount(value: Decimal) -> str:
    """Two decimals, grouped, as the invoice's language writes numbers (1.234,56 or 1,234.56)."""
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


def _lines_table(invoice: Invoice) -> Table:
    rows = [[str(label) for label in LINE_HEADER]]
    for line in invoice.lines.select_related("vat_code"):
        rows.append([
            _paragraph(line.description),
            _amount(line.quantity),
            _amount(line.unit_price),
            _amount(line.discount_percent),
            _amount(line.vat_rate) if line.vat_rate is not None else "-",
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
    return [(_("VAT %(rate)s %% of %(base)s") % {"rate": _amount(rate), "base": _amount(base)},
             _amount(vat))
            for rate, (base, vat) in sorted(by_rate.items(), reverse=True)]  # fmt: skip


def _totals_table(invoice: Invoice) -> Table:
    rows = [
        (_("Net total"), _amount(invoice.net_total)),
        *_vat_by_rate(invoice),
        (_("VAT total"), _amount(invoice.vat_total)),
        (_("Total %(currency)s") % {"currency": invoice.currency}, _amount(invoice.gross_total)),
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
    note = _("%(words)s (reverse charge): the buyer accounts for the VAT.") % {
        "words": REVERSE_CHARGE}  # fmt: skip
    return [Spacer(1, 6 * mm), _paragraph(note)]


def _payment_details() -> list:
    seller = Seller.from_settings()
    ways = []
    if seller.pays_domestically:
        ways.append(_("Reg. no. %(reg)s, account no. %(account)s")
                    % {"reg": seller.bank_reg, "account": seller.bank_account})  # fmt: skip
    if seller.iban:
        ways.append(f"IBAN {seller.iban}" + (f", BIC {seller.bic}" if seller.bic else ""))
    if not ways:
        return []
    return [Spacer(1, 6 * mm), _paragraph(_("Payment: %(ways)s") % {"ways": "\n".join(ways)})]


def _notes(invoice: Invoice) -> list:
    if not invoice.notes:
        return []
    return [Spacer(1, 8 * mm), _paragraph(invoice.notes)]

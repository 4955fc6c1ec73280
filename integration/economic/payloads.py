"""The documents we send to e-conomic, built from plain snapshots: dict in, dict out, no models.

Everything an export decides (which product, which VAT zone, which terms) is decided before a
snapshot is made, so these functions only shape JSON as e-conomic's schemas want it
(restdocs, REFERENCE §2.1, §2.8, §2.9, §2.14; projects §2.13).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal("100")
SIX_PLACES = Decimal("0.000001")

# e-conomic's standard Danish VAT zones (REFERENCE §2.6).
VAT_ZONE_DOMESTIC, VAT_ZONE_EU, VAT_ZONE_ABROAD, VAT_ZONE_EXEMPT = 1, 2, 3, 4
VAT_ZONE_BY_SITUATION = {
    "domestic": VAT_ZONE_DOMESTIC,
    "eu_reverse_charge": VAT_ZONE_EU,
    "abroad": VAT_ZONE_ABROAD,
    "exempt": VAT_ZONE_EXEMPT,
}

# e-conomic's length limits on the fields we fill (schemas invoices.drafts.post, customers.post).
LIMITS = {"heading": 250, "textLine1": 1000, "other": 250, "name": 250, "text": 250}


def vat_zone_for(vat_situation: str) -> int:
    """The VAT zone a customer's VAT situation means in e-conomic."""
    return VAT_ZONE_BY_SITUATION[vat_situation]


def money(amount: Decimal) -> float:
    """A JSON number with at most two decimals (e-conomic refuses more: E04740)."""
    return float(Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def exchange_rate_per_hundred(rate_per_unit: Decimal) -> float:
    """Our rate is base currency per ONE unit; e-conomic's `exchangeRate` is per 100 units."""
    return float((Decimal(rate_per_unit) * HUNDRED).quantize(SIX_PLACES, rounding=ROUND_HALF_UP))


def exchange_rate_per_unit(document: dict) -> Decimal | None:
    """The rate e-conomic applied (`exchangeRate` per 100 units) as ours, per ONE unit."""
    if document.get("exchangeRate") is None:
        return None
    return (Decimal(str(document["exchangeRate"])) / HUNDRED).quantize(Decimal("0.00000001"))


def _optional_exchange_rate(invoice: InvoiceSnapshot) -> dict:
    # Without `exchangeRate` e-conomic converts at its own rate: the day's, or 100 for the base
    # currency (REFERENCE §2.8; voucher entries alike, schema journals.journalNumber.vouchers.post).
    if invoice.exchange_rate is None:
        return {}
    return {"exchangeRate": exchange_rate_per_hundred(invoice.exchange_rate)}


def _clip(text: str, name: str) -> str:
    return text[: LIMITS[name]]


@dataclass(frozen=True)
class Recipient:
    name: str
    address: str = ""
    zip_code: str = ""
    city: str = ""
    country: str = ""  # the country's name, as e-conomic shows it
    ean: str = ""


@dataclass(frozen=True)
class LineSnapshot:
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    product_number: str
    net_amount: Decimal
    vat_amount: Decimal
    account_number: int | None = None  # the revenue account it books to in e-conomic
    vat_code: str | None = None  # e-conomic's VAT code for it (None: no VAT)
    vat_rate: Decimal = Decimal("0")  # percent, as our ledger charged it


@dataclass(frozen=True)
class InvoiceSnapshot:
    number: int
    issue_date: datetime.date
    due_date: datetime.date | None
    currency: str
    exchange_rate: Decimal | None  # per one unit; None: e-conomic applies its own
    customer_number: int  # e-conomic's
    recipient: Recipient
    layout_number: int
    payment_terms_number: int
    payment_terms_type: str
    vat_zone_number: int
    reference: str
    lines: tuple[LineSnapshot, ...]
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    credited_number: int | None = None
    their_reference: str = ""
    notes: str = ""
    project_number: int | None = None

    vat_rounding: str = "line"  # how our ledger rounded its VAT: "line" or "document"

    @property
    def is_credit_note(self) -> bool:
        return self.credited_number is not None


def _line(position: int, line: LineSnapshot) -> dict:
    return {
        "lineNumber": position,
        "sortKey": position,
        "product": {"productNumber": line.product_number},
        "description": line.description[:2500],
        "quantity": money(line.quantity),
        "unitNetPrice": money(line.unit_price),
        "discountPercentage": money(line.discount_percent),
    }


def _notes(invoice: InvoiceSnapshot) -> dict:
    if invoice.is_credit_note:
        heading = f"Credit note {invoice.number}"
        text = f"Credits invoice {invoice.credited_number}."
    else:
        heading = f"Invoice {invoice.number}"
        text = invoice.notes
    if invoice.their_reference:
        text = f"{text}\nYour reference: {invoice.their_reference}".strip()
    notes = {"heading": _clip(heading, "heading")}
    if text:
        notes["textLine1"] = _clip(text, "textLine1")
    return notes


def _recipient(invoice: InvoiceSnapshot) -> dict:
    recipient = invoice.recipient
    body = {
        "name": _clip(recipient.name, "name"),
        "vatZone": {"vatZoneNumber": invoice.vat_zone_number},
    }
    for key, value in (
        ("address", recipient.address),
        ("zip", recipient.zip_code),
        ("city", recipient.city),
        ("country", recipient.country),
        ("ean", recipient.ean),
    ):
        if value:  # e-conomic accepts no nulls: leave empty fields out
            body[key] = value
    return body


def draft_invoice_payload(invoice: InvoiceSnapshot) -> dict:
    """POST /invoices/drafts. A credit note is the same document with negative quantities
    (REFERENCE §2.11); `references.other` carries our reference for the lookup."""
    body = {
        "date": invoice.issue_date.isoformat(),
        "currency": invoice.currency,
        **_optional_exchange_rate(invoice),
        "customer": {"customerNumber": invoice.customer_number},
        "layout": {"layoutNumber": invoice.layout_number},
        "paymentTerms": {"paymentTermsNumber": invoice.payment_terms_number},
        "recipient": _recipient(invoice),
        "references": {"other": _clip(invoice.reference, "other")},
        "notes": _notes(invoice),
        "lines": [_line(position, line) for position, line in enumerate(invoice.lines, 1)],
    }
    if invoice.payment_terms_type == "dueDate" and invoice.due_date:
        body["dueDate"] = invoice.due_date.isoformat()
    if invoice.project_number is not None:
        body["project"] = {"projectNumber": invoice.project_number}
    return body


def booking_payload(*, draft_number: int, book_with_number: int | None = None) -> dict:
    """POST /invoices/booked; `bookWithNumber` when we are master of the numbers."""
    body: dict = {"draftInvoice": {"draftInvoiceNumber": draft_number}}
    if book_with_number is not None:
        body["bookWithNumber"] = book_with_number
    return body


def voucher_text(invoice: InvoiceSnapshot) -> str:
    """The entry text: readable in the journal and exact, so a lost answer is found by it. A
    credit note names the invoice it credits ("Credit note 1043 for invoice 1042 LB-...")."""
    if invoice.is_credit_note:
        return _clip(
            f"Credit note {invoice.number} for invoice {invoice.credited_number} "
            f"{invoice.reference}", "text",
        )  # fmt: skip
    return _clip(f"Invoice {invoice.number} {invoice.reference}", "text")


def voucher_postings(
    invoice: InvoiceSnapshot,
) -> list[tuple[int | None, str | None, Decimal, Decimal]]:
    """The invoice's lines summed by (revenue account, VAT code): (account, code, net, VAT), in
    the order the lines first name them. Each becomes one entry of the voucher, and their VAT is
    the invoice's to the cent: the lines' own, or, where our ledger rounds VAT per document,
    each rate's VAT shared out over the accounts by their nets (the cent left over on the
    largest)."""
    sums: dict[tuple[int | None, str | None], list] = {}
    for line in invoice.lines:
        entry = sums.setdefault(
            (line.account_number, line.vat_code), [Decimal("0"), Decimal("0"), line.vat_rate]
        )
        entry[0] += line.net_amount
        entry[1] += line.vat_amount
    if invoice.vat_rounding == "document":
        _share_rounded_vat(list(sums.values()))
    return [(account, code, net, vat) for (account, code), (net, vat, _) in sums.items()]


def _share_rounded_vat(entries: list[list]) -> None:
    """[net, VAT, rate] each: VAT once per rate on the summed nets, as the ledger rounded it."""
    by_rate: dict[Decimal, list[list]] = {}
    for entry in entries:
        by_rate.setdefault(entry[2], []).append(entry)
    for rate, same in by_rate.items():
        for entry in same:
            entry[1] = _cents(entry[0] * rate / HUNDRED)
        total = _cents(sum((entry[0] for entry in same), Decimal("0")) * rate / HUNDRED)
        largest = max(same, key=lambda entry: abs(entry[0]))
        largest[1] += total - sum((entry[1] for entry in same), Decimal("0"))


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def voucher_payload(invoice: InvoiceSnapshot, *, accounting_year: str, journal_number: int) -> dict:
    """One balanced voucher holding the invoice: a manual customer-invoice entry per (revenue
    account, VAT code) of its lines, each the gross owed by the customer for those lines, its
    net to `contraAccount` and its VAT (ours, to the cent) to the code's account through
    `contraVatAccount` (ADDENDUM §2); together they are the invoice's gross. A credit note's are
    negative, as its lines are."""
    common = {
        "customer": {"customerNumber": invoice.customer_number},
        "customerInvoice": invoice.number,
        "date": invoice.issue_date.isoformat(),
        "text": voucher_text(invoice),
        "currency": {"code": invoice.currency},
        **_optional_exchange_rate(invoice),
    }
    if invoice.due_date:
        common["dueDate"] = invoice.due_date.isoformat()
    entries = []
    for account, code, net, vat in voucher_postings(invoice):
        entry = {**common, "amount": money(net + vat)}
        if account is not None:
            entry["contraAccount"] = {"accountNumber": account}
        if code is not None:
            entry["contraVatAccount"] = {"vatCode": code}
            entry["contraVatAmount"] = money(vat)
        entries.append(entry)
    return {
        "accountingYear": {"year": accounting_year},
        "journal": {"journalNumber": journal_number},
        "entries": {"manualCustomerInvoices": entries},
    }


@dataclass(frozen=True)
class CustomerSnapshot:
    name: str
    kind: str  # company | person
    currency: str
    customer_group_number: int
    payment_terms_number: int
    vat_zone_number: int
    country_code: str
    number: int | None = None  # ours, sent only when we are master of the numbers
    email: str = ""
    vat_number: str = ""
    ean: str = ""
    address: str = ""
    zip_code: str = ""
    city: str = ""
    country: str = ""
    layout_number: int | None = None
    extra: dict = field(default_factory=dict)


def customer_payload(customer: CustomerSnapshot) -> dict:
    """POST /customers. A Danish company's CVR goes in corporateIdentificationNumber; other
    VAT numbers in vatNumber. Without our number e-conomic assigns one."""
    body: dict = {
        "name": customer.name[:255],
        "currency": customer.currency,
        "customerGroup": {"customerGroupNumber": customer.customer_group_number},
        "paymentTerms": {"paymentTermsNumber": customer.payment_terms_number},
        "vatZone": {"vatZoneNumber": customer.vat_zone_number},
    }
    if customer.number is not None:
        body["customerNumber"] = customer.number
    if customer.vat_number and customer.kind == "company":
        danish = customer.country_code == "DK"
        body["corporateIdentificationNumber" if danish else "vatNumber"] = customer.vat_number
    for key, value in (
        ("email", customer.email),
        ("ean", customer.ean),
        ("address", customer.address),
        ("zip", customer.zip_code),
        ("city", customer.city),
        ("country", customer.country),
    ):
        if value:
            body[key] = value
    if customer.layout_number:
        body["layout"] = {"layoutNumber": customer.layout_number}
    return body


def project_payload(
    *, number: int, name: str, customer_number: int, project_group_number: int
) -> dict:
    """POST /api/v22.0.0/projects: our project number is kept (we are master of projects)."""
    return {
        "number": number,
        "name": name[:255],
        "customerNumber": customer_number,
        "projectGroupNumber": project_group_number,
        "isClosed": False,
    }

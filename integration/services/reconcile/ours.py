"""Our side of the reconciliation: each document we exported (a draft or booked invoice, or a
journal voucher) with what e-conomic should show for it, read in a few queries whatever the
ledger's size, and our customers' cards as we would send them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from accounts_app.models import Customer, Invoice
from integration.economic import payloads
from integration.models import Connection, CustomerLink, InvoiceExport
from integration.models.connection import ExportMethod
from integration.models.mappings import CustomerLinkState
from integration.services.export_context import ExportContext, invoices_for_export
from integration.services.exports.snapshots import invoice_blockers, invoice_snapshot
from integration.services.installation import invoice_reference

INVOICE_METHODS = (ExportMethod.DRAFT, ExportMethod.BOOKED)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OurDocument:
    export_id: int
    invoice_id: int
    label: str  # "Invoice 1043", as a person knows it
    reference: str
    draft_number: int | None
    booked_number: int | None
    draft_deleted: bool  # deleted by us: credited before anyone booked it
    currency: str
    net: Decimal
    gross: Decimal  # what e-conomic showed when it was exported (ours plus its VAT rounding)
    open_amount: Decimal
    customer_number: int | None  # the card its customer is linked to
    vat_zone: int


FIELDS = (
    "pk",
    "invoice_id",
    "draft_number",
    "booked_number",
    "draft_deleted_at",
    "vat_difference",
    "invoice__number",
    "invoice__credited_invoice_id",
    "invoice__currency",
    "invoice__net_total",
    "invoice__gross_total",
    "invoice__amount_paid",
    "invoice__customer_id",
    "invoice__buyer_vat_situation",
    "invoice__customer__vat_situation",
    "job__run__overrides",
)


@dataclass(frozen=True)
class OurVoucher:
    export_id: int
    invoice_id: int
    label: str
    reference: str
    year: str  # the accounting year it went into ("2025/2026" for a split year)
    voucher_number: int
    currency: str
    gross: Decimal  # e-conomic took exactly our gross (the export checks its answer)
    open_amount: Decimal
    customer_number: int | None


VOUCHER_FIELDS = (
    "pk",
    "invoice_id",
    "voucher_number",
    "job__voucher_year",
    "invoice__number",
    "invoice__credited_invoice_id",
    "invoice__currency",
    "invoice__gross_total",
    "invoice__amount_paid",
    "invoice__customer_id",
)


def our_documents_count(*, connection: Connection) -> int:
    return InvoiceExport.objects.filter(connection=connection).count()


def our_documents(*, connection: Connection, installation: str) -> Iterator[OurDocument]:
    """Every invoice this connection exported as a draft or booked invoice."""
    cards = linked_cards(connection=connection)
    for row in _exports(connection).values(*FIELDS).iterator(chunk_size=2000):
        yield _document(row, cards, installation)


def our_voucher_postings(
    *, connection: Connection, invoice_ids: Iterable[int]
) -> dict[int, dict[tuple[int | None, str | None], list[Decimal]]]:
    """What each invoice's voucher books, (revenue account, VAT code) -> [net, VAT], as the
    export sends it with today's mappings; an invoice whose lines no longer map (a mapping
    removed since) is left out, as nothing can be said of its accounts."""
    context = ExportContext.load(connection=connection, method=ExportMethod.VOUCHER)
    postings = {}
    for invoice in invoices_for_export(invoice_ids):
        if invoice_blockers(invoice, context):
            continue
        snapshot = invoice_snapshot(invoice, context)
        postings[invoice.pk] = {
            (account, code): [net, vat]
            for account, code, net, vat in payloads.voucher_postings(snapshot)
        }
    return postings


def our_vouchers(*, connection: Connection, installation: str) -> list[OurVoucher]:
    """Every invoice this connection exported as a journal voucher, with its voucher's number."""
    cards = linked_cards(connection=connection)
    rows = (
        InvoiceExport.objects.filter(connection=connection, method=ExportMethod.VOUCHER)
        .exclude(voucher_number=None)
        .values(*VOUCHER_FIELDS)
    )
    return [_voucher(row, cards, installation) for row in rows.iterator(chunk_size=2000)]


def _voucher(row: dict, cards: dict[int, int], installation: str) -> OurVoucher:
    invoice = Invoice(
        number=row["invoice__number"], credited_invoice_id=row["invoice__credited_invoice_id"]
    )
    return OurVoucher(
        export_id=row["pk"],
        invoice_id=row["invoice_id"],
        label=str(invoice),
        reference=invoice_reference(invoice, installation=installation),
        year=row["job__voucher_year"] or "",
        voucher_number=row["voucher_number"],
        currency=row["invoice__currency"],
        gross=row["invoice__gross_total"],
        open_amount=row["invoice__gross_total"] - row["invoice__amount_paid"],
        customer_number=cards.get(row["invoice__customer_id"]),
    )


def _exports(connection: Connection):
    return InvoiceExport.objects.filter(connection=connection, method__in=INVOICE_METHODS)


def _document(row: dict, cards: dict[int, int], installation: str) -> OurDocument:
    invoice = Invoice(
        number=row["invoice__number"], credited_invoice_id=row["invoice__credited_invoice_id"]
    )
    situation = row["invoice__buyer_vat_situation"] or row["invoice__customer__vat_situation"]
    overrides = row["job__run__overrides"] or {}
    gross = row["invoice__gross_total"] + (row["vat_difference"] or ZERO)
    return OurDocument(
        export_id=row["pk"],
        invoice_id=row["invoice_id"],
        label=str(invoice),
        reference=invoice_reference(invoice, installation=installation),
        draft_number=row["draft_number"],
        booked_number=row["booked_number"],
        draft_deleted=row["draft_deleted_at"] is not None,
        currency=row["invoice__currency"],
        net=row["invoice__net_total"],
        gross=gross,
        open_amount=row["invoice__gross_total"] - row["invoice__amount_paid"],
        customer_number=cards.get(row["invoice__customer_id"]),
        vat_zone=int(overrides.get("vat_zone_number") or payloads.vat_zone_for(situation)),
    )


def linked_cards(*, connection: Connection) -> dict[int, int]:
    """Our customer id -> the e-conomic card it is linked to."""
    links = CustomerLink.objects.filter(connection=connection, state=CustomerLinkState.LINKED)
    return dict(links.values_list("customer_id", "remote_number"))


def card_fields(customer: Customer) -> dict[str, str]:
    """The card fields a person may change in e-conomic, as our customer would fill them (the
    keys of e-conomic's card; a Danish company's CVR is its corporateIdentificationNumber)."""
    danish_company = customer.kind == Customer.Kind.COMPANY and str(customer.country) == "DK"
    vat_key = "corporateIdentificationNumber" if danish_company else "vatNumber"
    return {
        "name": customer.name[:255],
        "address": customer.address,
        "zip": customer.zip_code,
        "city": customer.city,
        "email": customer.email,
        "ean": customer.ean,
        vat_key: customer.vat_number if customer.kind == Customer.Kind.COMPANY else "",
    }


def customers_by_card(
    *, connection: Connection, numbers: set[int]
) -> dict[int, tuple[Customer, datetime.datetime]]:
    """Our customers linked to these cards, by card number, with when each link was made (a
    card matched to ours may have differed from ours before: only a change since counts)."""
    links = CustomerLink.objects.filter(
        connection=connection, state=CustomerLinkState.LINKED, remote_number__in=numbers
    ).select_related("customer")
    return {link.remote_number: (link.customer, link.updated_at) for link in links}

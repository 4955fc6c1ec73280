"""Invoices exported as journal vouchers: followed through their receivable entries' remainder.

A booked voucher is no booked invoice, so it is not in `/invoices/unpaid`. Its customer side is
a `manualDebtorInvoice` entry in the accounting-year entries with `invoiceNumber` (our number,
sent as `customerInvoice`) and a live `remainder` (ADDENDUM §4). One pass over the open ones
(`remainder$ne:0`, 1,000 a page, per accounting year since the oldest open voucher), compared
with our booked voucher exports, tells which changed, as the unpaid list does for booked
invoices: one still open there with another remainder, or one open here and gone from there
(paid). Those go into the scan's batches like booked invoices, so their payment entries give
the dates and amounts. A voucher counts as booked once our export booked it, or once it is seen
in the entries.

Should e-conomic ignore the remainder filter (ADDENDUM §4 calls it unverified), the pass reads
the paid receivables too and still compares each remainder: more pages, the same answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from accounts_app.models import Invoice
from integration.economic.client import EconomicClient
from integration.models import Connection, CustomerLink, InvoiceExport
from integration.models.mappings import CustomerLinkState
from integration.services.payments.entries import EntryReader

CHUNK = 1000
CENT = Decimal("0.01")
OPEN_STATES = [Invoice.State.FINALIZED, Invoice.State.PARTLY_PAID, Invoice.State.PAID]


class Receivable(NamedTuple):
    """A voucher's customer side as e-conomic shows it, summed over its entries (one per
    revenue account and VAT code)."""

    gross: Decimal
    remainder: Decimal
    currency: str
    customer_number: int
    date: str


class LocalVoucher(NamedTuple):
    export_id: int
    voucher_number: int
    invoice_number: str
    gross: Decimal
    currency: str
    customer_number: int
    date: str
    booked: bool
    open_here: bool
    amount_paid: Decimal


def open_receivables(
    *, client: EconomicClient, reader: EntryReader, since
) -> dict[str, Receivable]:
    """The booked vouchers still owed, by invoice number."""
    found: dict[str, Receivable] = {}
    for year in reader.years_since(since):
        for remote in client.voucher_receivables_open(year):
            if "customer" not in remote or not remote.get("invoiceNumber"):
                continue  # the revenue and VAT sides of the voucher
            number = str(remote["invoiceNumber"])
            earlier = found.get(number)
            gross, remainder = _money(remote["amount"]), _money(remote["remainder"])
            if earlier is not None:
                gross, remainder = gross + earlier.gross, remainder + earlier.remainder
            found[number] = Receivable(gross, remainder, remote["currency"],
                                       int(remote["customer"]["customerNumber"]),
                                       remote["date"])  # fmt: skip
    return found


def local_vouchers(connection: Connection) -> Iterator[LocalVoucher]:
    """Our voucher exports, a chunk at a time by key (no cursor held open while the scan
    writes), each with the customer's number in e-conomic (its link, else the connection's
    card for private persons, as the export sent it)."""
    rows = InvoiceExport.objects.filter(
        connection=connection, voucher_number__isnull=False, booked_number__isnull=True,
        invoice__credited_invoice__isnull=True, invoice__state__in=OPEN_STATES,
    ).order_by("pk")  # fmt: skip
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last).values_list(
            "pk", "voucher_number", "invoice__number", "invoice__gross_total", "invoice__currency",
            "invoice__customer_id", "invoice__issue_date", "job__voucher_booked",
            "invoice__state", "invoice__amount_paid")[:CHUNK])  # fmt: skip
        links = dict(
            CustomerLink.objects.filter(
                connection=connection, state=CustomerLinkState.LINKED,
                customer_id__in={row[5] for row in chunk},
            ).values_list("customer_id", "remote_number")
        )  # fmt: skip
        for pk, voucher, number, gross, currency, customer, issued, booked, state, paid in chunk:
            customer_number = links.get(customer) or connection.private_customer_number or 0
            yield LocalVoucher(
                pk, voucher, str(number), gross, currency, int(customer_number),
                issued.isoformat(), bool(booked), state != Invoice.State.PAID, paid,
            )  # fmt: skip
        if len(chunk) < CHUNK:
            return
        last = chunk[-1][0]


def voucher_remote(local: LocalVoucher, remote: Receivable | None) -> dict:
    """The voucher in the shape the scan applies a booked invoice in; gone from the open
    receivables means nothing is owed."""
    return {
        "bookedInvoiceNumber": local.voucher_number,
        "invoiceNumber": local.invoice_number,
        "grossAmount": str(remote.gross if remote else local.gross),
        "remainder": str(remote.remainder if remote else Decimal("0.00")),
        "currency": remote.currency if remote else local.currency,
        "customer": {"customerNumber": remote.customer_number if remote
                     else local.customer_number},
        "date": remote.date if remote else local.date,
    }  # fmt: skip


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)

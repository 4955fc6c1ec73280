"""Booked ledger entries of customer invoices and payments: `/accounting-years/{year}/entries`.

https://restdocs.e-conomic.com/#get-accounting-years-accountingyear-entries (REFERENCE §2.15,
§7.4): booked entries expose `remainder`/`remainderInBaseCurrency` and can be filtered by
`entryType`, `customer.customerNumber`, `voucherNumber`, `date`, `remainder`, … – one of the
ways an integration can notice payments. Booking an invoice records a `customerInvoice` entry
(its remainder is the invoice's, live); registering or reversing a payment records a
`customerPayment` entry. Other entry types (finance vouchers, suppliers) are not kept: the
sandbox books no journals.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from economic_sandbox import errors
from economic_sandbox.collections import collection_response
from economic_sandbox.http import Request, Response, json_response
from economic_sandbox.resources import invoice_math, lookups
from economic_sandbox.routing import Router
from economic_sandbox.state import Agreement

router = Router()

ENTRIES = "booked-entries"
BOOKED = "invoices-booked"  # booked.BOOKED, named here to keep the import graph one-way
SCHEMA = "accounting-years.accountingYear.entries.get"


def year_of(agreement: Agreement, day: datetime.date) -> str:
    return lookups.accounting_year_of(agreement, day) or str(day.year)


def record_invoice(agreement: Agreement, invoice: dict) -> None:
    """The customer-invoice entry of a booked invoice; voucher number = invoice number."""
    day = invoice_math.parse_date(invoice["date"])
    number = agreement.next_number(ENTRIES)
    agreement.table(ENTRIES)[number] = {
        "entryNumber": number,
        "entryType": "customerInvoice",
        "year": year_of(agreement, day),
        "voucherNumber": invoice["bookedInvoiceNumber"],
        "date": invoice["date"],
        "bookedInvoiceNumber": invoice["bookedInvoiceNumber"],
        "text": f"Faktura {invoice['bookedInvoiceNumber']}",
    }


def record_payment(
    agreement: Agreement,
    *,
    invoice: dict,
    amount: Decimal,
    day: datetime.date,
    journal_number: int,
    voucher: int,
    text: str,
) -> None:
    number = agreement.next_number(ENTRIES)
    in_base = invoice_math.in_base_currency(amount, invoice.get("exchangeRate", 100))
    agreement.table(ENTRIES)[number] = {
        "entryNumber": number,
        "entryType": "customerPayment",
        "year": year_of(agreement, day),
        "journalNumber": journal_number,
        "voucherNumber": voucher,
        "date": day.isoformat(),
        "text": text,
        "amount": float(-amount),
        "amountInBaseCurrency": float(-in_base),
        "currency": invoice["currency"],
        "customerNumber": invoice["customer"]["customerNumber"],
        "invoiceNumber": str(invoice["bookedInvoiceNumber"]),
        "remainder": 0.0,
        "remainderInBaseCurrency": 0.0,
    }


def vouchers_used(agreement: Agreement, journal_number: int, year: str) -> set[int]:
    return {
        entry["voucherNumber"]
        for entry in agreement.table(ENTRIES).values()
        if entry.get("journalNumber") == journal_number and entry["year"] == year
    }


def present(request: Request, entry: dict) -> dict:
    answer = {
        key: entry[key] for key in ("entryNumber", "entryType", "voucherNumber", "date", "text")
    }
    if entry["entryType"] == "customerInvoice":
        invoice = request.agreement.table(BOOKED)[entry["bookedInvoiceNumber"]]
        answer.update(_invoice_fields(request, invoice))
    else:
        answer.update(
            {
                key: entry[key]
                for key in (
                    "amount",
                    "amountInBaseCurrency",
                    "currency",
                    "invoiceNumber",
                    "remainder",
                    "remainderInBaseCurrency",
                )
            }
        )
        answer["customer"] = lookups.customer_reference(request, entry["customerNumber"])
    year = entry["year"]
    answer["self"] = lookups.link(
        request, "accounting-years", year, "entries", entry["entryNumber"]
    )
    return answer


def _invoice_fields(request: Request, invoice: dict) -> dict:
    number = invoice["bookedInvoiceNumber"]
    return {
        "amount": invoice["grossAmount"],
        "amountInBaseCurrency": invoice["grossAmountInBaseCurrency"],
        "currency": invoice["currency"],
        "dueDate": invoice["dueDate"],
        "customer": lookups.customer_reference(request, invoice["customer"]["customerNumber"]),
        "invoiceNumber": str(number),
        "bookedInvoice": {
            "bookedInvoiceNumber": number,
            "self": lookups.link(request, "invoices", "booked", number),
        },
        "remainder": invoice["remainder"],
        "remainderInBaseCurrency": invoice["remainderInBaseCurrency"],
    }


def _year_or_404(request: Request, year: str) -> None:
    if request.agreement.table("accounting-years").get(year) is None:
        raise errors.not_found()


@router.route("GET", "/accounting-years/{year:str}/entries")
def entries_list(request: Request, year: str) -> Response:
    _year_or_404(request, year)
    table = request.agreement.table(ENTRIES)
    answered = [present(request, table[key]) for key in sorted(table) if table[key]["year"] == year]
    return collection_response(
        request, answered, schema=SCHEMA, path=f"/accounting-years/{year}/entries"
    )


@router.route("GET", "/accounting-years/{year:str}/entries/{entry_number:int}")
def entry_get(request: Request, year: str, entry_number: int) -> Response:
    entry = request.agreement.table(ENTRIES).get(entry_number)
    if entry is None or entry["year"] != year:
        raise errors.not_found()
    return json_response(200, present(request, entry))

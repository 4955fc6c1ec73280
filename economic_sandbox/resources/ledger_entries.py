"""Booked ledger entries: `/accounting-years/{year}/entries` and
`/accounts/{accountNumber}/accounting-years/{year}/entries`.

https://restdocs.e-conomic.com/#get-accounting-years-accountingyear-entries (REFERENCE §2.15,
§7.4): one entry per posting to an account, debit positive and credit negative, with
`remainder`/`remainderInBaseCurrency` on open items, filterable by `entryType`,
`customer.customerNumber`, `voucherNumber`, `date`, `remainder`, … (`account.accountNumber` is
not filterable, ADDENDUM §4: the account's own endpoint is the way to read one account).

Who records entries: booking an invoice (`invoice_postings.py`: the customer's receivable, revenue
per sales account, VAT per code, all `customerInvoice`); booking journal vouchers
(`journal_booking.py`); registering, reversing, changing and deleting payments
(`payment_items.py`, the customer side only). A receivable entry of a booked invoice reads its
remainder live from the invoice.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from economic_sandbox import errors
from economic_sandbox.collections import collection_response
from economic_sandbox.encoding import decode_id, encode_id
from economic_sandbox.http import Request, Response, json_response
from economic_sandbox.resources import lookups
from economic_sandbox.routing import Router
from economic_sandbox.state import Agreement

router = Router()

ENTRIES = "booked-entries"
BOOKED = "invoices-booked"  # booked.BOOKED, named here to keep the import graph one-way
SCHEMA = "accounting-years.accountingYear.entries.get"
ACCOUNT_SCHEMA = "accounts.accountNumber.accounting-years.accountingYear.entries.get"
# Stored keys answered as they are; the others are expanded into references below.
PLAIN_KEYS = ("amount", "amountInBaseCurrency", "currency", "dueDate", "invoiceNumber",
              "remainder", "remainderInBaseCurrency")


def year_of(agreement: Agreement, day: datetime.date) -> str:
    return lookups.accounting_year_of(agreement, day) or str(day.year)


def posting(account: int, amount: Decimal, in_base: Decimal, currency: str, **extra) -> dict:
    """One posting to an account (debit positive), before it is numbered and recorded."""
    return {"accountNumber": account, "amount": float(amount),
            "amountInBaseCurrency": float(in_base), "currency": currency, **extra}


def receivable_account(agreement: Agreement, customer_number: int) -> int:
    """The customer's group's account (e-conomic books a customer's items there)."""
    customer = agreement.table("customers").get(customer_number) or {}
    group_number = (customer.get("customerGroup") or {}).get("customerGroupNumber", 1)
    group = agreement.table("customer-groups").get(group_number) or {}
    return (group.get("account") or {}).get("accountNumber", 5600)


def record(
    agreement: Agreement, postings: list[dict], *, entry_type: str, voucher: int, text: str,
    day: datetime.date, journal_number: int | None = None,
) -> list[int]:
    """Store postings as booked entries of one voucher; their entry numbers."""
    numbers = []
    for item in postings:
        number = agreement.next_number(ENTRIES)
        entry = {"entryNumber": number, "entryType": entry_type, "year": year_of(agreement, day),
                 "voucherNumber": voucher, "date": day.isoformat(), "text": text, **item}
        if journal_number is not None:
            entry["journalNumber"] = journal_number
        agreement.table(ENTRIES)[number] = entry
        numbers.append(number)
    return numbers


def vouchers_used(agreement: Agreement, journal_number: int, year: str) -> set[int]:
    """Voucher numbers of a journal already booked in an accounting year."""
    return {
        entry["voucherNumber"]
        for entry in agreement.table(ENTRIES).values()
        if entry.get("journalNumber") == journal_number and entry["year"] == year
    }


# --- answers ----------------------------------------------------------------------------------


def present(request: Request, entry: dict) -> dict:
    answer = {key: entry[key] for key in ("entryNumber", "entryType", "voucherNumber", "date",
                                          "text")}
    if "accountNumber" in entry:
        answer["account"] = {"accountNumber": entry["accountNumber"],
                             "self": lookups.link(request, "accounts", entry["accountNumber"])}
    answer.update({key: entry[key] for key in PLAIN_KEYS if key in entry})
    if entry.get("vatCode"):
        answer["vatAccount"] = {"vatCode": entry["vatCode"],
                                "self": lookups.link(request, "vat-accounts", entry["vatCode"])}
    if "customerNumber" in entry:
        answer["customer"] = lookups.customer_reference(request, entry["customerNumber"])
    if "bookedInvoiceNumber" in entry:
        invoice = request.agreement.table(BOOKED)[entry["bookedInvoiceNumber"]]
        answer.update(_invoice_fields(request, invoice))
    answer["self"] = lookups.link(request, "accounting-years", encode_id(entry["year"]),
                                  "entries", entry["entryNumber"])
    return answer


def _invoice_fields(request: Request, invoice: dict) -> dict:
    """The receivable of a booked invoice, live: its remainder changes with payments."""
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


def _year_or_404(request: Request, year: str) -> str:
    year = decode_id(year)  # a split year's `/` arrives encoded
    if request.agreement.table("accounting-years").get(year) is None:
        raise errors.not_found()
    return year


def _entries_of(request: Request, year: str, account: int | None = None) -> list[dict]:
    """A year's entries, or only one account's."""
    table = request.agreement.table(ENTRIES)
    chosen = [table[key] for key in sorted(table) if table[key]["year"] == year]
    if account is not None:
        chosen = [entry for entry in chosen if entry.get("accountNumber") == account]
    return [present(request, entry) for entry in chosen]


@router.route("GET", "/accounting-years/{year:str}/entries")
def entries_list(request: Request, year: str) -> Response:
    year = _year_or_404(request, year)
    return collection_response(request, _entries_of(request, year), schema=SCHEMA,
                               path=f"/accounting-years/{encode_id(year)}/entries")


@router.route("GET", "/accounting-years/{year:str}/entries/{entry_number:int}")
def entry_get(request: Request, year: str, entry_number: int) -> Response:
    entry = request.agreement.table(ENTRIES).get(entry_number)
    if entry is None or entry["year"] != decode_id(year):
        raise errors.not_found()
    return json_response(200, present(request, entry))


@router.route("GET", "/accounts/{account_number:int}/accounting-years/{year:str}/entries")
def account_entries_list(request: Request, account_number: int, year: str) -> Response:
    """One account's booked entries in a year (restdocs: get-accounts-accountnumber-
    accounting-years-accountingyear-entries)."""
    if lookups.find(request.agreement, "accounts", account_number) is None:
        raise errors.not_found()
    year = _year_or_404(request, year)
    path = f"/accounts/{account_number}/accounting-years/{encode_id(year)}/entries"
    return collection_response(request, _entries_of(request, year, account_number),
                               schema=ACCOUNT_SCHEMA, path=path)

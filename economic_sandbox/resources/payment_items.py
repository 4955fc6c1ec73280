"""What a customer payment settles, and the entry it is booked as.

An open item is either a booked invoice (`/invoices/booked/{n}`, its `remainder` on the
document) or the customer side of a booked journal voucher (a `manualDebtorInvoice` entry with
`invoiceNumber` and its own `remainder`, ADDENDUM §4). A payment lowers the item's remainder in
both currencies and the customer's balance, and is booked as a `customerPayment` entry in the
payments journal: the customer side only (a credit, so negative), with the invoice number it
settles, the item's currency and the amount in base currency at the item's rate, as e-conomic's
accounting-year entries show it (REFERENCE §7.4).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from economic_sandbox import errors, webhooks
from economic_sandbox.resources import invoice_math, ledger_entries, vouchers
from economic_sandbox.resources.booked import BOOKED
from economic_sandbox.state import Agreement

VOUCHER_INVOICE = "manualDebtorInvoice"


class OpenItem:
    """A booked invoice or a booked voucher's receivable entry, read and settled alike."""

    def __init__(self, agreement: Agreement, document: dict, *, voucher: bool):
        self.agreement, self.document, self.voucher = agreement, document, voucher

    @property
    def invoice_number(self) -> str:
        if self.voucher:
            return self.document["invoiceNumber"]
        return str(self.document["bookedInvoiceNumber"])

    @property
    def customer_number(self) -> int:
        if self.voucher:
            return self.document["customerNumber"]
        return self.document["customer"]["customerNumber"]

    @property
    def currency(self) -> str:
        return self.document["currency"]

    @property
    def remainder(self) -> Decimal:
        return invoice_math.money(self.document["remainder"])

    def in_base_currency(self, amount: Decimal) -> Decimal:
        """At the rate the item was booked at (a voucher entry keeps its two amounts)."""
        if not self.voucher:
            return invoice_math.in_base_currency(amount, self.document.get("exchangeRate", 100))
        gross = Decimal(str(self.document["amount"]))
        base = Decimal(str(self.document["amountInBaseCurrency"]))
        return invoice_math.money(amount * base / gross) if gross else amount

    def key(self) -> dict:
        """How a payment names its item, so it can be found again."""
        if self.voucher:
            return {"invoiceNumber": self.invoice_number,
                    "receivableEntryNumber": self.document["entryNumber"]}
        return {"bookedInvoiceNumber": self.document["bookedInvoiceNumber"]}

    def settle(self, amount: Decimal) -> None:
        """Lower the remainder (and its base-currency twin) and the customer's balance by
        `amount` (negative: owed again)."""
        remainder = self.remainder - amount
        base = self.in_base_currency(amount)
        self.document["remainder"] = float(remainder)
        self.document["remainderInBaseCurrency"] = 0.0 if remainder == 0 else float(
            invoice_math.money(self.document["remainderInBaseCurrency"]) - base)
        customer = self.agreement.table("customers").get(self.customer_number)
        if customer is not None:
            for key in ("balance", "dueAmount"):
                customer[key] = float(invoice_math.money(customer.get(key, 0)) - base)


def item_find(agreement: Agreement, body: dict) -> OpenItem | None:
    """The item a registration names: `bookedInvoiceNumber`, or a voucher's `invoiceNumber`."""
    if body.get("bookedInvoiceNumber") is not None:
        invoice = agreement.table(BOOKED).get(body["bookedInvoiceNumber"])
        return None if invoice is None else OpenItem(agreement, invoice, voucher=False)
    number = body.get("invoiceNumber")
    for entry in agreement.table(ledger_entries.ENTRIES).values():
        if (entry["entryType"] == VOUCHER_INVOICE and "customerNumber" in entry
                and number is not None and entry.get("invoiceNumber") == str(number)):
            return OpenItem(agreement, entry, voucher=True)
    return None


def item_of(agreement: Agreement, payment: dict) -> OpenItem:
    """The item a registered payment settles."""
    if "receivableEntryNumber" in payment:
        entry = agreement.table(ledger_entries.ENTRIES)[payment["receivableEntryNumber"]]
        return OpenItem(agreement, entry, voucher=True)
    return OpenItem(agreement, agreement.table(BOOKED)[payment["bookedInvoiceNumber"]],
                    voucher=False)


def check_amount(item: OpenItem, amount: Decimal, remainder: Decimal | None = None) -> None:
    """Same sign as the remainder (a credit note is refunded with a negative amount), and not
    more than what is owed."""
    remainder = item.remainder if remainder is None else remainder
    if remainder == 0:
        raise bad("Invalid payment.", "The invoice is already paid.")
    if amount == 0 or (amount > 0) != (remainder > 0):
        raise bad("Invalid payment.", f"amount must have the sign of the remainder {remainder}.")
    if abs(amount) > abs(remainder):
        raise bad(
            "Overpayment refused.",
            f"amount {amount} exceeds the remainder {remainder} of invoice "
            f"{item.invoice_number}.",
        )


def bad(message: str, detail: str) -> errors.ApiError:
    return errors.bad_request(message, [detail], "Register at most the invoice's remainder.")


def payments_journal(agreement: Agreement) -> dict:
    journals = agreement.table("journals")
    for number in sorted(journals):
        restricted = journals[number].get("settings", {}).get("entryTypeRestrictedTo")
        if restricted == "customerPayment":
            return journals[number]
    return journals[min(journals)]


def entry_book(
    item: OpenItem, amount: Decimal, day: datetime.date, text: str, rate: Decimal | None = None
) -> tuple[int, int]:
    """Book the customer-payment entry of `amount` paid (negative: a reversal) and fire "Day
    book booked"; its voucher and entry numbers. `rate` (per 100) is the day's rate the payment
    was converted at; by default the item's."""
    journal = payments_journal(item.agreement)
    voucher = _next_voucher(item.agreement, journal, day)
    entry_number = _post(item, journal, voucher, amount, day, text, rate)
    day_book_booked(item.agreement, journal["journalNumber"], voucher)
    return voucher, entry_number


def entry_correct(
    item: OpenItem, entry_number: int, amount: Decimal, day: datetime.date, text: str
) -> tuple[int, int, int]:
    """Correct a booked payment entry as e-conomic does (a booked entry is never edited): one
    voucher with the opposite of the old entry, on its date, and a new entry of `amount` on
    `day`. Answers the voucher, the new entry's number and the opposite entry's."""
    old = item.agreement.table(ledger_entries.ENTRIES)[entry_number]
    journal = payments_journal(item.agreement)
    voucher = _next_voucher(item.agreement, journal, day)
    paid, rate = -Decimal(str(old["amount"])), _rate_of(old)
    undone = _post(item, journal, voucher, -paid, invoice_math.parse_date(old["date"]),
                   f"Correction of entry {entry_number}", rate)
    new = _post(item, journal, voucher, amount, day, text, rate)
    day_book_booked(item.agreement, journal["journalNumber"], voucher)
    return voucher, new, undone


def _next_voucher(agreement: Agreement, journal: dict, day: datetime.date) -> int:
    return vouchers.next_voucher_number(
        agreement, journal, ledger_entries.year_of(agreement, day), set())


def _post(item: OpenItem, journal: dict, voucher: int, amount: Decimal, day: datetime.date,
          text: str, rate: Decimal | None) -> int:
    base = item.in_base_currency(amount) if rate is None else invoice_math.in_base_currency(
        amount, rate)
    posting = ledger_entries.posting(
        ledger_entries.receivable_account(item.agreement, item.customer_number), -amount,
        -base, item.currency, customerNumber=item.customer_number,
        invoiceNumber=item.invoice_number, remainder=0.0, remainderInBaseCurrency=0.0,
        **({} if rate is None else {"exchangeRate": float(rate)}))
    [entry_number] = ledger_entries.record(
        item.agreement, [posting], entry_type="customerPayment", voucher=voucher, text=text,
        day=day, journal_number=journal["journalNumber"])
    return entry_number


def _rate_of(entry: dict) -> Decimal | None:
    return None if entry.get("exchangeRate") is None else Decimal(str(entry["exchangeRate"]))


def entry_delete(agreement: Agreement, entry_number: int) -> None:
    entry = agreement.table(ledger_entries.ENTRIES).pop(entry_number)
    day_book_booked(agreement, entry["journalNumber"], entry["voucherNumber"])


def day_book_booked(agreement: Agreement, journal_number: int, voucher: int) -> None:
    webhooks.notify(agreement, "Day book booked", DAYBOOKNO=journal_number,
                    FROMSERIALNO=voucher, TOSERIALNO=voucher)

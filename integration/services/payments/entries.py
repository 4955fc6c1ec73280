"""The customer-payment entries that settle an invoice (ADDENDUM §4): what was paid, when, at what
rate, under which voucher.

Booked invoices tell only *whether* something was paid (their remainder). The payments are
booked entries: `/accounting-years/{year}/entries` filtered by `entryType$eq:customerPayment`
and the customers' numbers (`invoiceNumber` is not filterable), one call for up to 200 changed
invoices and each accounting year they may be paid in, matched to the invoices by
`invoiceNumber` here. An entry is a credit to the receivable, so a payment is negative there and
a reversal (an opposite entry) positive.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from integration.economic.client import EconomicClient

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PaymentEntry:
    """One customer-payment entry, signed as money received (a reversal is negative)."""

    entry_number: int
    date: datetime.date
    amount: Decimal
    amount_in_base_currency: Decimal
    currency: str
    voucher_number: int
    invoice_number: str

    @classmethod
    def from_remote(cls, remote: dict) -> PaymentEntry:
        """Raises ValueError for an entry that lacks what a payment needs."""
        try:
            return cls(
                entry_number=int(remote["entryNumber"]),
                date=datetime.date.fromisoformat(remote["date"][:10]),
                amount=-Decimal(str(remote["amount"])).quantize(CENT),
                amount_in_base_currency=-Decimal(str(remote["amountInBaseCurrency"])).quantize(
                    CENT
                ),
                currency=remote["currency"],
                voucher_number=int(remote["voucherNumber"]),
                invoice_number=str(remote.get("invoiceNumber") or ""),
            )
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise ValueError(f"entry {remote.get('entryNumber')}: {error!r}") from None


@dataclass(frozen=True)
class Settlement:
    """What the entries of one invoice say: the payments still standing, for each payment
    undone by an opposite entry that entry, and for each undone by a correction (the opposite
    entry and a new payment in one voucher, as e-conomic corrects a booked entry) the new one."""

    standing: list[PaymentEntry]
    reversed_by: dict[int, PaymentEntry]
    replaced_by: dict[int, PaymentEntry]

    @property
    def total(self) -> Decimal:
        return sum((entry.amount for entry in self.standing), Decimal("0.00"))


def settlement_of(entries: list[PaymentEntry]) -> Settlement | None:
    """Pair each opposite entry with the latest payment of the same amount booked before it
    (by entry number: a payment booked after a reversal may carry an earlier date); None when
    one cannot be paired (then the entries do not say which payment it undid)."""
    ordered = sorted(entries, key=lambda entry: entry.entry_number)
    standing: list[PaymentEntry] = []
    reversed_by: dict[int, PaymentEntry] = {}
    for entry in ordered:
        if entry.amount > 0:
            standing.append(entry)
            continue
        undone = [paid for paid in standing if paid.amount == -entry.amount]
        # No one books a payment and its own reversal in one voucher: a payment beside the
        # opposite entry is the correction's new payment, whichever was numbered first.
        elsewhere = [paid for paid in undone if paid.voucher_number != entry.voucher_number]
        if not undone:
            return None
        paired = (elsewhere or undone)[-1]
        standing.remove(paired)
        reversed_by[paired.entry_number] = entry
    replaced_by = {
        number: new
        for number, reversal in reversed_by.items()
        for new in standing
        if new.voucher_number == reversal.voucher_number
    }
    return Settlement(standing=standing, reversed_by=reversed_by, replaced_by=replaced_by)


def entry_problem(entry: PaymentEntry, *, currency: str) -> str:
    """Why this entry cannot be taken as a payment of an invoice in `currency`; "" if it can."""
    if entry.currency != currency:
        return _(
            "payment entry %(entry)s is in %(currency)s, the invoice in %(invoice_currency)s: "
            "nothing recorded; a person must look at it in e-conomic."
        ) % {"entry": entry.entry_number, "currency": entry.currency, "invoice_currency": currency}
    if entry.date > timezone.localdate():
        return _(
            "payment entry %(entry)s is dated %(date)s, in the future: nothing recorded until "
            "e-conomic's date is corrected."
        ) % {"entry": entry.entry_number, "date": f"{entry.date:%Y-%m-%d}"}
    return ""


class EntryReader:
    """Reads the payment entries of a batch of changed invoices; the accounting years once."""

    def __init__(self, *, client: EconomicClient):
        self.client = client
        self.years: list[tuple[str, datetime.date, datetime.date]] | None = None

    def by_invoice(
        self, invoices: list[tuple[str, int, datetime.date]]
    ) -> tuple[dict[str, list[PaymentEntry]], list[str]]:
        """For (invoice number, customer number, invoice date) of up to 200 invoices: the
        entries of the customers' payments in the accounting years from the earliest invoice's
        to today's, by invoice number, and what could not be read. Not narrowed by date within
        a year: a payment may be dated before its invoice (paid in advance)."""
        if not invoices:
            return {}, []
        since = min(day for _, _, day in invoices)
        customers = sorted({customer for _, customer, _ in invoices})
        found: dict[str, list[PaymentEntry]] = defaultdict(list)
        problems = []
        for year in self.years_since(since):
            for remote in self.client.customer_payment_entries(year, customers):
                try:
                    entry = PaymentEntry.from_remote(remote)
                except ValueError as error:
                    problems.append(
                        _("A payment entry e-conomic answered is unreadable: %(error)s.")
                        % {"error": error}
                    )
                    continue
                found[entry.invoice_number].append(entry)
        return found, problems

    def years_since(self, since: datetime.date) -> list[str]:
        """The accounting years a payment of an invoice dated `since` may be booked in: from
        the invoice's year to today's (ADDENDUM §4: a payment may fall in a later year)."""
        if self.years is None:
            self.years = [
                (item["year"], _day(item["fromDate"]), _day(item["toDate"]))
                for item in self.client.accounting_years_list()
            ]
        today = timezone.localdate()
        return [name for name, start, end in self.years if end >= since and start <= today]


def _day(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value[:10])

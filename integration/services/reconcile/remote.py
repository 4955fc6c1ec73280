"""e-conomic's side of the reconciliation, read in pages of 1,000 through the client: every
draft and booked invoice carrying this installation's references (REFERENCE §2.8, §2.10: a
`references.other` filter), and the customer cards changed since the last look (`lastUpdated`
is filterable on cards; REFERENCE §2.1). That is ceil(drafts / 1000) + ceil(booked / 1000) +
ceil(changed cards / 1000) calls, each at least one; `CallBudget` refuses any call past the
run's budget before it is sent (the cards, read last, carry on in the next run).

Where we exported journal vouchers, their entries too: the unbooked ones in the voucher journal
and, for each accounting year they went into, the booked receivable entries, both found by our
reference in the entry text (`text` is filterable on both; a voucher's revenue and VAT postings
carry no customer, so only its receivable is read): ceil(entries / 1000) calls each."""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from integration.economic.client import PAGE_SIZE, EconomicClient
from integration.economic.ratelimit import RateLimiter

SPARE_CALLS = 10  # beyond a call per 1,000 documents: the last pages and the cards
STAMP = "%Y-%m-%dT%H:%M:%SZ"  # how e-conomic writes lastUpdated


class BudgetSpent(Exception):
    """The run would make more calls than its budget allows."""


def calls_budget(documents: int) -> int:
    return math.ceil(documents / PAGE_SIZE) + SPARE_CALLS


class CallBudget:
    """Stands in front of the client's rate limiter: counts every call and refuses one past the
    budget before it is sent (the client draws from its limiter before each request)."""

    def __init__(self, *, budget: int, limiter: RateLimiter | None):
        self.budget, self.limiter, self.calls = budget, limiter, 0

    def acquire(self, cost: float = 1.0) -> float:
        if self.calls >= self.budget:
            raise BudgetSpent(_(
                "The reconciliation stopped at its budget of %(budget)d calls; nothing was "
                "recorded. Run it again later: its reads do not depend on earlier runs."
            ) % {"budget": self.budget})
        self.calls += 1
        return self.limiter.acquire(cost) if self.limiter is not None else 0.0

    def observe(self, tokens_left: float) -> None:
        if self.limiter is not None:
            self.limiter.observe(tokens_left)

    def refused(self, *, retry_after: float | None, day_closed_until: float | None) -> None:
        if self.limiter is not None:
            self.limiter.refused(retry_after=retry_after, day_closed_until=day_closed_until)


# (revenue account, VAT code) -> [net, VAT]: what a voucher's entries book, as ours are summed
Postings = dict[tuple[int | None, str | None], list[Decimal]]


@dataclass
class RemoteVoucher:
    """One voucher of ours in e-conomic: its customer-invoice entries summed."""

    year: str
    number: int
    booked: bool
    customer: int | None
    currency: str
    gross: Decimal = Decimal("0.00")
    remainder: Decimal = Decimal("0.00")  # booked only: what is still owed on it
    # Unbooked only: a journal entry names its contra (revenue) account and VAT code; once
    # booked, only the receivable side is read (the postings would cost three times the calls).
    postings: Postings = field(default_factory=dict)

    @property
    def name(self) -> str:
        if self.booked:
            return _("booked voucher %(number)s (%(year)s)") % {"number": self.number,
                                                                 "year": self.year}  # fmt: skip
        return _("voucher %(number)s (%(year)s)") % {"number": self.number, "year": self.year}


@dataclass
class Remote:
    drafts: dict[int, dict] = field(default_factory=dict)  # by draft number
    booked: dict[int, dict] = field(default_factory=dict)  # by booked number
    vouchers: dict[str, list[RemoteVoucher]] = field(default_factory=dict)  # by our reference
    cards: list[dict] = field(default_factory=list)  # changed since `since`, oldest first
    cards_complete: bool = True  # False: the budget ran out among them


@dataclass(frozen=True)
class VoucherPlaces:
    """Where our vouchers may be: the connection's voucher journal, and the accounting years
    they went into. The default reads nothing: no voucher was exported."""

    journal: int | None = None
    years: frozenset[str] = frozenset()


def remote_read(
    *,
    client: EconomicClient,
    installation: str,
    cards_since: datetime.datetime | None,
    vouchers: VoucherPlaces = VoucherPlaces(),
) -> Remote:
    """e-conomic's documents with our references, and the cards changed since `cards_since`
    (none read when it is None: no card is linked yet). The documents must all be read (a
    BudgetSpent from them stops the run); the cards take what the budget leaves, oldest change
    first, so a run that stops among them leaves the next one where to carry on."""
    ours = f"LB-{installation}-"
    remote = Remote()
    for draft in client.draft_invoices_referencing(ours):
        remote.drafts[int(draft["draftInvoiceNumber"])] = draft
    for booked in client.booked_invoices_referencing(ours):
        remote.booked[int(booked["bookedInvoiceNumber"])] = booked
    remote.vouchers = _vouchers_read(client, ours, vouchers)
    if cards_since is not None:
        stamp = cards_since.astimezone(datetime.UTC).strftime(STAMP)
        try:
            for card in client.customers_updated_since(stamp):
                remote.cards.append(card)
        except BudgetSpent:
            remote.cards_complete = False
    return remote


def _vouchers_read(client: EconomicClient, ours: str, places: VoucherPlaces):
    found: dict[tuple[bool, str, int], RemoteVoucher] = {}
    references: dict[tuple[bool, str, int], str] = {}
    pattern = re.compile(re.escape(ours) + r"(?:INV|CN)-\d+")
    if places.journal is not None:
        for entry in client.journal_entries_referencing(places.journal, ours):
            voucher = entry.get("voucher") or {}
            key = (False, (voucher.get("accountingYear") or {}).get("year", ""),
                   int(voucher.get("voucherNumber") or 0))  # fmt: skip
            currency = (entry.get("currency") or {}).get("code", "")
            _add(found, references, key, entry, currency, pattern)
    for year in sorted(places.years):
        for entry in client.voucher_receivables_referencing(year, ours):
            key = (True, year, int(entry.get("voucherNumber") or 0))
            _add(found, references, key, entry, entry.get("currency", ""), pattern)
    by_reference: dict[str, list[RemoteVoucher]] = {}
    for key, voucher in found.items():
        by_reference.setdefault(references[key], []).append(voucher)
    return by_reference


def _add(found, references, key, entry: dict, currency: str, pattern) -> None:
    match = pattern.search(entry.get("text") or "")
    if match is None:
        return  # our prefix without a whole reference: a person's own entry
    booked, year, number = key
    voucher = found.get(key)
    if voucher is None:
        customer = (entry.get("customer") or {}).get("customerNumber")
        voucher = found[key] = RemoteVoucher(
            year=year, number=number, booked=booked, customer=customer, currency=currency
        )
        references[key] = match.group(0)
    voucher.gross += _money(entry.get("amount"))
    if booked:
        voucher.remainder += _money(entry.get("remainder"))
        return
    account = (entry.get("contraAccount") or {}).get("accountNumber")
    code = (entry.get("contraVatAccount") or {}).get("vatCode")
    vat = _money(entry.get("contraVatAmount"))
    posted = voucher.postings.setdefault((account, code), [Decimal("0.00"), Decimal("0.00")])
    posted[0] += _money(entry.get("amount")) - vat
    posted[1] += vat


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def card_stamp(card: dict) -> datetime.datetime | None:
    """The card's lastUpdated (`YYYY-MM-DDTHH:MM:SSZ`, UTC), or None when it has none."""
    try:
        return datetime.datetime.strptime(card.get("lastUpdated", ""), STAMP).replace(
            tzinfo=datetime.UTC
        )
    except ValueError:
        return None

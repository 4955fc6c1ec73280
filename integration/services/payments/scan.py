"""Find what changed in e-conomic with few calls (DESIGN §3 Payments, REFERENCE §7).

`/invoices/unpaid` is read in booked-number order and merged with our exported invoices in the
same order, a chunk at a time, so memory stays flat however many invoices there are:
- ours and unpaid there: compare the remainder (partial payment, or a reversal of one we hold
  as paid);
- ours, open here and gone from unpaid: paid (or settled); confirmed with
  `bookedInvoiceNumber$in:[...]`, 200 a call;
- ours and paid here, gone from unpaid: still paid, nothing to do;
- not ours by number: perhaps a draft we exported that a person booked since (matched by
  `references.other` or by `orderNumber` = the draft number).

The invoices found changed wait in a batch of 200; for each batch the customer-payment entries
of their customers are read in one call per accounting year (entries.py), and each invoice is
then applied with the entries that name it. Unchanged invoices cost no entry read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts_app.models import Invoice
from integration.economic.client import EconomicClient
from integration.economic.filters import MAX_IN_ITEMS
from integration.models import (
    Connection,
    InvoiceExport,
    PaymentImport,
    SyncedPayment,
    SyncedPaymentKind,
    SyncedPaymentState,
)
from integration.models.connection import PaymentSync
from integration.services.installation import installation_code, invoice_reference
from integration.services.payments.attention import currency_mismatch, unexported_payment
from integration.services.payments.entries import EntryReader, PaymentEntry
from integration.services.payments.import_record import Tally
from integration.services.payments.ledger import Seen, Skip, invoice_payments_sync
from integration.services.payments.vouchers import local_vouchers, open_receivables, voucher_remote

CHUNK = 1000
# How far back a payment booked since the last import may be dated and still be looked for in
# its accounting year (a bookkeeper catching up on last year's bank lines in January).
RECENT_DAYS = 60
State = Invoice.State


class Local(NamedTuple):
    """One of our booked exports as the merge sees it."""

    number: int
    export_id: int
    open_here: bool
    credited: bool
    amount_paid: Decimal


class Scan:
    def __init__(self, *, run: PaymentImport, client: EconomicClient):
        self.run, self.client, self.tally = run, client, Tally()
        self.connection = run.connection
        self.candidates: list[int] = []
        self.changed: list[tuple[int, dict]] = []  # (export id, booked invoice) to apply
        self.drafts = DraftIndex(connection_id=self.connection.pk)
        self.entries = EntryReader(client=client)
        self.warned: set[int] = set()  # entries already in the warnings
        self.named: set[str] = set()  # invoice numbers of payment entries new since last time

    def everything(self) -> Tally:
        newest = self._newly_booked_payments()
        local = _local_exports(self.connection.pk)
        current = next(local, None)
        for remote in self.client.unpaid_invoices_iterate():
            number = int(remote["bookedInvoiceNumber"])
            while current is not None and current.number < number:
                self._gone_from_unpaid(current)
                current = next(local, None)
            if current is not None and current.number == number:
                self._still_unpaid(current, remote)
                current = next(local, None)
            elif not self._maybe_booked_draft(remote) and (reason := unexported_payment(remote)):
                self.tally.person_needed(reason)
        while current is not None:
            self._gone_from_unpaid(current)
            current = next(local, None)
        self._confirm()
        self._vouchers()
        self._apply_changed()
        # Only a run that got this far has looked at every invoice the new entries named.
        Connection.objects.filter(pk=self.connection.pk).update(payment_entries_seen=newest)
        return self.tally

    def _newly_booked_payments(self) -> int:
        """The invoice numbers the payment entries booked since the last complete import name
        (`self.named`): a payment reversed and paid again, or cut and topped up, leaves the
        remainder where it was, so the remainder alone would not tell. Answers the newest
        entry number."""
        # Read afresh: the connection object may predate the last import's write.
        newest = Connection.objects.values_list("payment_entries_seen", flat=True).get(
            pk=self.connection.pk
        )
        since = timezone.localdate() - datetime.timedelta(days=RECENT_DAYS)
        for year in self.entries.years_since(since):
            for remote in self.client.customer_payment_entries_after(year, newest):
                self.named.add(str(remote.get("invoiceNumber") or ""))
                newest = max(newest, int(remote["entryNumber"]))
        return newest

    def _vouchers(self) -> None:
        """Our voucher exports against the open receivables (vouchers.py): no call when there
        are none."""
        oldest = InvoiceExport.objects.filter(
            connection=self.connection, voucher_number__isnull=False, booked_number__isnull=True
        ).aggregate(oldest=Min("invoice__issue_date"))["oldest"]
        if oldest is None:
            return
        receivables = open_receivables(client=self.client, reader=self.entries, since=oldest)
        for local in local_vouchers(self.connection):
            remote = receivables.pop(local.invoice_number, None)
            named = local.invoice_number in self.named
            if remote is None and not (local.booked and (local.open_here or named)):
                self.tally.add("unchanged")  # paid here, or not booked yet
                continue
            shown = voucher_remote(local, remote)
            held = Local(local.voucher_number, local.export_id, local.open_here, False,
                         local.amount_paid)  # fmt: skip
            seen = Seen.from_remote(shown)
            if not named and _unchanged(held, seen, self.connection.payment_sync):
                self.tally.add("unchanged")
            else:
                self._apply(local.export_id, shown)

    def numbers(self, numbers: list[int]) -> Tally:
        """A targeted check (a webhook named these booked invoices)."""
        for start in range(0, len(numbers), MAX_IN_ITEMS):
            chunk = numbers[start : start + MAX_IN_ITEMS]
            found = {int(item["bookedInvoiceNumber"]): item for item in self._booked(chunk)}
            for number in chunk:
                self._targeted(number, found.get(number))
        self._apply_changed()
        return self.tally

    def _targeted(self, number: int, remote: dict | None) -> None:
        export = InvoiceExport.objects.filter(connection=self.connection, booked_number=number)
        export_id = export.values_list("pk", flat=True).first()
        if export_id is not None and remote is not None:
            self._apply(export_id, remote)
        elif remote is None or not self._maybe_booked_draft(remote):
            self.tally.skip(
                _("e-conomic invoice %(number)s: not one of our exported invoices.")
                % {"number": number}
            )
            if remote is not None and (reason := unexported_payment(remote)):
                self.tally.person_needed(reason)

    def _still_unpaid(self, current: Local, remote: dict) -> None:
        """Most unpaid invoices did not change: tell so from the page without a query."""
        if str(current.number) not in self.named and _unchanged(
            current, Seen.from_remote(remote), self.connection.payment_sync
        ):
            self.tally.add("unchanged")
        else:
            self._apply(current.export_id, remote)

    def _gone_from_unpaid(self, current: Local) -> None:
        if not current.open_here and str(current.number) not in self.named:
            self.tally.add("unchanged")  # paid here and not unpaid there: still paid
            return
        self.candidates.append(current.number)
        if len(self.candidates) >= MAX_IN_ITEMS:
            self._confirm()

    def _confirm(self) -> None:
        """Ask for the invoices that left unpaid, 200 a call, and apply what they show."""
        if not self.candidates:
            return
        numbers, self.candidates = self.candidates, []
        found = {int(item["bookedInvoiceNumber"]): item for item in self._booked(numbers)}
        exports = dict(
            InvoiceExport.objects.filter(
                connection=self.connection, booked_number__in=numbers
            ).values_list("booked_number", "pk")
        )
        for number in numbers:
            if number not in found or number not in exports:
                self.tally.skip(
                    _("e-conomic invoice %(number)s: e-conomic does not know it.")
                    % {"number": number}
                )
                continue
            self._apply(exports[number], found[number])

    def _booked(self, numbers: list[int]) -> list[dict]:
        return self.client.booked_invoices_by_numbers(numbers)

    def _maybe_booked_draft(self, remote: dict) -> bool:
        export_id = self.drafts.adopt(remote)
        if export_id is None:
            return False
        self._apply(export_id, remote)
        return True

    def _apply(self, export_id: int, remote: dict) -> None:
        """Apply once the batch's payment entries are read."""
        self.changed.append((export_id, remote))
        if len(self.changed) >= MAX_IN_ITEMS:
            self._apply_changed()

    def _apply_changed(self) -> None:
        batch, self.changed = self.changed, []
        if not batch:
            return
        found, problems = self.entries.by_invoice([_entry_key(remote) for _, remote in batch])
        for problem in problems:
            self.tally.warnings.append(problem)
        numbers = {_invoice_number(remote) for _, remote in batch}
        self._unknown_invoices_warn(found, numbers)
        for export_id, remote in batch:
            self._apply_one(export_id, remote, found.get(_invoice_number(remote)))

    def _apply_one(self, export_id: int, remote: dict, entries: list[PaymentEntry] | None):
        exports = InvoiceExport.objects.select_related("connection", "invoice")
        export = exports.filter(pk=export_id).first()
        seen = Seen.from_remote(remote)
        if export is None:
            self.tally.skip(
                _("e-conomic invoice %(number)s: our invoice was deleted.")
                % {"number": seen.booked_number}
            )
            return
        if reason := currency_mismatch(invoice=export.invoice, seen=seen):
            self.tally.skip(reason, person=True)
            return
        try:
            outcome = invoice_payments_sync(
                export=export, seen=seen, run=self.run, entries=entries or []
            )
        except Skip as reason:
            self.tally.skip(str(reason))
            return
        self.tally.add(outcome)

    def _unknown_invoices_warn(self, found: dict, numbers: set[str]) -> None:
        """Payment entries of these customers that name no invoice we exported: shown for a
        person, nothing changed (our other invoices among them are simply not due a look)."""
        others = {number for number in found if number not in numbers}
        booked = {number for number in others if number.isdigit()}
        exports = InvoiceExport.objects.filter(connection=self.connection)
        ours = {
            str(number)
            for number in exports.filter(booked_number__in=[int(n) for n in booked])
            .values_list("booked_number", flat=True)
        } | {
            str(number)
            for number in exports.filter(
                voucher_number__isnull=False, invoice__number__in=[int(n) for n in booked]
            ).values_list("invoice__number", flat=True)
        }  # fmt: skip
        for number in sorted(others - ours):
            for entry in found[number]:
                if entry.entry_number in self.warned:
                    continue
                self.warned.add(entry.entry_number)
                name = _("invoice %(number)s") % {"number": number} if number else _("no invoice")
                self.tally.warnings.append(
                    _("Payment entry %(entry)s of %(date)s (%(amount)s %(currency)s) names "
                      "%(invoice)s, not one we exported: nothing recorded.")
                    % {"entry": entry.entry_number, "date": f"{entry.date:%Y-%m-%d}",
                       "amount": entry.amount, "currency": entry.currency, "invoice": name}
                )  # fmt: skip


def _invoice_number(remote: dict) -> str:
    """The number payment entries name: a voucher's `customerInvoice` (our number), else the
    booked invoice's number."""
    return str(remote.get("invoiceNumber") or int(remote["bookedInvoiceNumber"]))


def _entry_key(remote: dict) -> tuple[str, int, datetime.date]:
    return (
        _invoice_number(remote),
        int(remote["customer"]["customerNumber"]),
        datetime.date.fromisoformat(remote["date"][:10]),
    )


def _unchanged(current: Local, seen: Seen, payment_sync: str) -> bool:
    """Whether the ledger already shows what e-conomic does (the same test invoice_payments_sync
    makes, for the common cases; anything else goes there)."""
    if current.credited:
        return False
    if payment_sync == PaymentSync.FULL and seen.remainder != 0:
        return current.amount_paid == 0  # a partial payment waits in this mode
    return seen.gross - seen.remainder == current.amount_paid


def _local_exports(connection_id: int) -> Iterator[Local]:
    """Our booked exports in number order, read by keyset a chunk at a time (no cursor held
    open while the scan writes). Only plain columns: a per-row subquery here would be evaluated
    for every row before the sort, once per chunk."""
    rows = InvoiceExport.objects.filter(
        connection_id=connection_id, booked_number__isnull=False,
        invoice__credited_invoice__isnull=True,
        invoice__state__in=[State.FINALIZED, State.PARTLY_PAID, State.PAID, State.CREDITED],
    ).order_by("booked_number")  # fmt: skip
    last = -1
    while True:
        chunk = list(
            rows.filter(booked_number__gt=last).values_list(
                "booked_number", "pk", "invoice_id", "invoice__state", "invoice__amount_paid"
            )[:CHUNK]
        )
        for number, export_id, invoice_id, state, amount_paid in chunk:
            credited = state == State.CREDITED
            open_here = _credit_unsettled(connection_id, invoice_id) if credited else (
                state in (State.FINALIZED, State.PARTLY_PAID)
            )  # fmt: skip
            yield Local(number, export_id, open_here, credited, amount_paid)
        if len(chunk) < CHUNK:
            return
        last = chunk[-1][0]


def _credit_unsettled(connection_id: int, invoice_id: int) -> bool:
    """A credited invoice stays open until its credit note is seen settling it (a query for
    each credited invoice only; they are few)."""
    return not SyncedPayment.objects.filter(
        invoice_id=invoice_id,
        connection_id=connection_id,
        kind=SyncedPaymentKind.CREDIT_NOTE,
        state=SyncedPaymentState.ACTIVE,
    ).exists()


class DraftIndex:
    """Our exports still waiting as drafts, by reference and by draft number. Only these are
    held in memory: drafts are few, and a booked one is matched in the pages already read."""

    def __init__(self, *, connection_id: int):
        rows = InvoiceExport.objects.filter(
            Q(connection_id=connection_id, booked_number__isnull=True, draft_number__isnull=False)
        ).select_related("job", "invoice")
        # The reference each draft was sent with, kept on its job; the one it would carry now
        # where the job is gone.
        code = installation_code()
        self.by_reference = {
            row.job.reference
            if row.job_id
            else invoice_reference(row.invoice, installation=code): row.pk
            for row in rows
        }
        self.by_draft = {row.draft_number: row.pk for row in rows}

    def adopt(self, remote: dict) -> int | None:
        """The export this booked invoice came from, now given its booked number, or None."""
        reference = (remote.get("references") or {}).get("other")
        export_id = self.by_reference.get(reference) or self.by_draft.get(remote.get("orderNumber"))
        if export_id is None:
            return None
        number = int(remote["bookedInvoiceNumber"])
        InvoiceExport.objects.filter(pk=export_id, booked_number__isnull=True).update(
            booked_number=number, economic_number=str(number)
        )
        self.by_reference = {
            key: value for key, value in self.by_reference.items() if value != export_id
        }
        self.by_draft = {key: value for key, value in self.by_draft.items() if value != export_id}
        return export_id

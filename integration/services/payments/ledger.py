"""Bring one invoice in line with what e-conomic shows of it: the settled amount is
`grossAmount - remainder` (REFERENCE §7.1), and the customer-payment entries that name the
invoice say what made it up (mirror.py: dates, amounts in both currencies, vouchers, edits and
deletions). Each invoice is changed in its own short transaction through the ledger's payment
services, never across a call to e-conomic.

The entries are trusted when they add up to what the remainder says was paid in cash. When they
do not (a payment reconciled in e-conomic without an invoice number, an opposite entry that
pairs with no payment), or when our own credit notes are still to be recorded against the
invoice, or when it has payments recorded from its remainder alone (before the entries were
read), the remainder rule applies as before: the change dated by the invoice's latest payment
entry not yet behind one of ours (the one that settled it), or, where e-conomic holds none,
left without a date and shown as "date unknown, seen on" the import's day."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts_app.errors import PaymentError
from accounts_app.models import Invoice, Payment
from accounts_app.services import payment_register
from integration.models import (
    InvoiceExport,
    PaymentImport,
    SyncedPayment,
    SyncedPaymentKind,
    SyncedPaymentState,
)
from integration.models.connection import PaymentSync
from integration.services.payments.entries import PaymentEntry, entry_problem, settlement_of
from integration.services.payments.mirror import payments_mirror

PAID, PARTIAL, REVERSED, UNCHANGED, SKIPPED = "paid", "partial", "reversed", "unchanged", "skipped"


@dataclass(frozen=True)
class Seen:
    """A booked invoice as e-conomic answered it."""

    booked_number: int
    gross: Decimal
    remainder: Decimal
    currency: str

    @classmethod
    def from_remote(cls, remote: dict) -> Seen:
        return cls(
            booked_number=int(remote["bookedInvoiceNumber"]),
            gross=Decimal(str(remote["grossAmount"])).quantize(Decimal("0.01")),
            remainder=Decimal(str(remote["remainder"])).quantize(Decimal("0.01")),
            currency=remote.get("currency", ""),
        )


class Skip(Exception):
    """This invoice cannot be brought in line; the reason goes into the run's warnings."""


def invoice_payments_sync(
    *,
    export: InvoiceExport,
    seen: Seen,
    run: PaymentImport,
    entries: list[PaymentEntry] | None = None,
) -> str:
    """Record what changed since the last look, from the invoice's payment `entries` where
    they explain it; answer the outcome (paid, partial, reversed, changed, unchanged). Raises
    Skip with the reason when the invoice cannot take it."""
    try:
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update().get(pk=export.invoice_id)
            if entries is not None:
                outcome = _sync_by_entries(
                    invoice=invoice, export=export, seen=seen, run=run, entries=entries
                )
                if outcome is not None:
                    return outcome
            return _sync(invoice=invoice, export=export, seen=seen, run=run, entries=entries or [])
    except Invoice.DoesNotExist:
        raise Skip(
            _("e-conomic invoice %(number)s: our invoice was deleted.")
            % {"number": seen.booked_number}
        ) from None
    except PaymentError as error:
        raise Skip(
            _("e-conomic invoice %(number)s: %(problem)s")
            % {"number": seen.booked_number, "problem": error}
        ) from None
    except IntegrityError:
        # Another import recorded the same change first (same derived reference): nothing to do.
        return UNCHANGED


def _sync(*, invoice: Invoice, export: InvoiceExport, seen: Seen, run: PaymentImport,
          entries: list[PaymentEntry]) -> str:
    settled = seen.gross - seen.remainder
    full_only = export.connection.payment_sync == PaymentSync.FULL
    if full_only and seen.remainder != 0:
        settled = _credit_total(invoice, export.connection_id)  # partial payments wait
    change = settled - invoice.amount_paid - _credit_total(invoice, export.connection_id)
    if change < 0:
        return _reverse(invoice=invoice, export=export, seen=seen, run=run, amount=-change)
    if change == 0:
        return UNCHANGED
    settling = _settling_entry(entries, invoice, export.connection_id, amount=change)
    _settle(invoice=invoice, export=export, seen=seen, run=run, amount=change, settling=settling)
    return PAID if seen.remainder == 0 else PARTIAL


def _settling_entry(
    entries: list[PaymentEntry], invoice: Invoice, connection_id: int, *, amount: Decimal
) -> PaymentEntry | None:
    """The entry that settled what the remainder says was paid: of the invoice's payment
    entries not already behind a payment of ours, one of exactly `amount` if any, else the
    latest-dated (ADDENDUM §4). None when e-conomic holds none (reconciled without an invoice
    number, or only our credit note)."""
    held = set(_synced(invoice, connection_id, SyncedPaymentKind.CASH).values_list(
        "entry_number", flat=True))  # fmt: skip
    settlement = settlement_of(entries)
    candidates = settlement.standing if settlement else [e for e in entries if e.amount > 0]
    today = timezone.localdate()
    dated = [e for e in candidates if e.entry_number not in held and e.date <= today]
    exact = [entry for entry in dated if entry.amount == amount]
    return max(exact or dated, key=lambda entry: (entry.date, entry.entry_number), default=None)


def _sync_by_entries(*, invoice, export, seen, run, entries) -> str | None:
    """The outcome of mirroring the entries, or None where the remainder rule must decide."""
    settlement = settlement_of(entries)
    if settlement is None:
        return None
    for entry in entries:
        if problem := entry_problem(entry, currency=seen.currency):
            raise Skip(
                _("e-conomic invoice %(number)s: %(problem)s")
                % {"number": seen.booked_number, "problem": problem}
            )
    connection_id = export.connection_id
    if (
        _unrecorded_credit_notes(invoice, connection_id)
        or _synced(invoice, connection_id, SyncedPaymentKind.CASH)
        .filter(entry_number__isnull=True)
        .exists()
        or invoice.payments.exclude(source=Payment.Source.ECONOMIC).exists()
    ):
        return None  # payments entered here count against the remainder, as before
    # In full-payments mode partial payments wait, and one held as paid was undone in part.
    waiting = export.connection.payment_sync == PaymentSync.FULL and seen.remainder != 0
    standing = [] if waiting else settlement.standing
    cash = seen.gross - seen.remainder - _credit_total(invoice, connection_id)
    if not waiting and settlement.total != cash:
        return None
    return payments_mirror(
        invoice=invoice, export=export, run=run, standing=standing,
        reversed_by=settlement.reversed_by, replaced_by=settlement.replaced_by,
        paid_in_full=seen.remainder == 0,
    )  # fmt: skip


def _synced(invoice: Invoice, connection_id: int, kind: str):
    return SyncedPayment.objects.filter(
        connection_id=connection_id, invoice=invoice, kind=kind, state=SyncedPaymentState.ACTIVE
    )


def _credit_total(invoice: Invoice, connection_id: int) -> Decimal:
    credits = _synced(invoice, connection_id, SyncedPaymentKind.CREDIT_NOTE)
    return credits.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def _reference(export: InvoiceExport, seen: Seen, what: str) -> str:
    """Derived from what e-conomic shows, so any run that sees the same thing makes the same
    key: a second run, or one racing this one, collides on the unique key instead of paying
    twice. The reversal count tells a payment made again after a reversal from the first."""
    reversals = SyncedPayment.objects.filter(
        connection_id=export.connection_id,
        booked_number=seen.booked_number,
        state=SyncedPaymentState.REVERSED,
    ).count()
    return f"c{export.connection_id}-{seen.booked_number}-r{reversals}-{what}"


def _settle(*, invoice, export, seen, run, amount: Decimal, settling: PaymentEntry | None):
    credit = _unrecorded_credit_notes(invoice, export.connection_id)
    for credit_note, credit_amount in credit:
        if amount <= 0:
            return
        part = min(amount, credit_amount)
        reference = _credit_reference(export.connection_id, invoice, credit_note)
        _record(invoice, export, seen, run, part, kind=SyncedPaymentKind.CREDIT_NOTE,
                reference=reference, paid_on=credit_note.issue_date)  # fmt: skip
        amount -= part
    if amount > 0:
        settled = seen.gross - seen.remainder
        _record(invoice, export, seen, run, amount, kind=SyncedPaymentKind.CASH,
                reference=_reference(export, seen, f"to{settled}"), settling=settling)


def _unrecorded_credit_notes(invoice: Invoice, connection_id: int) -> list[tuple[Invoice, Decimal]]:
    """Our credit notes for this invoice that went to e-conomic through this connection and are
    not yet recorded as settling it: in e-conomic they reduce the remainder like a payment, but
    no cash came in."""
    notes = list(invoice.credit_notes.exclude(state=Invoice.State.DRAFT))
    if not notes:
        return []  # the common case, in one indexed query
    exported = set(
        InvoiceExport.objects.filter(connection_id=connection_id, invoice__in=notes).values_list(
            "invoice_id", flat=True
        )
    )
    recorded = set(
        _synced(invoice, connection_id, SyncedPaymentKind.CREDIT_NOTE).values_list(
            "reference", flat=True
        )
    )
    return [
        (note, -note.gross_total)
        for note in notes
        if note.pk in exported and _credit_reference(connection_id, invoice, note) not in recorded
    ]


def _credit_reference(connection_id: int, invoice: Invoice, note: Invoice) -> str:
    return f"c{connection_id}-{invoice.pk}-cn{note.pk}"


def _record(invoice, export, seen, run, amount: Decimal, *, kind: str, reference: str,
            settling: PaymentEntry | None = None, paid_on=None) -> None:
    """A change told by the remainder. Dated by the entry that settled it where there is one
    (a credit note by its own date); with none, `paid_on` stays empty, shown as "date unknown,
    seen on" the import's day, and the ledger payment carries that day, as it must carry one."""
    payment, paid_on = None, settling.date if settling else paid_on
    if kind == SyncedPaymentKind.CASH:
        payment = payment_register(
            invoice=invoice, date=paid_on or timezone.localdate(), amount=amount,
            source=Payment.Source.ECONOMIC, external_reference=reference,
        )  # fmt: skip
    SyncedPayment.objects.create(
        connection_id=export.connection_id, invoice=invoice, payment=payment,
        payment_import=run, booked_number=seen.booked_number, reference=reference,
        amount=amount, currency=seen.currency, kind=kind, paid_on=paid_on,
        voucher_number=settling.voucher_number if settling else None,
    )  # fmt: skip


def _reverse(*, invoice, export, seen, run, amount: Decimal) -> str:
    """Mirror a reversal: the synced payments it undoes (newest first) marked reversed, with a
    negative ledger payment for them, so the invoice goes back to unpaid or partly paid.

    e-conomic shows only the remainder, so one synced payment may stand for several payments
    made between two imports, and a reversal may undo only some of them. The part still paid
    is then recorded again as a synced payment of its own: what stays active is always what
    e-conomic shows as paid, so a later reversal of that part is found too."""
    active = list(_synced(invoice, export.connection_id, SyncedPaymentKind.CASH).order_by("-id"))
    amount = min(amount, sum((synced.amount for synced in active), Decimal("0.00")))
    if amount <= 0:
        return UNCHANGED  # what e-conomic no longer shows as paid was never ours to undo
    undone, total = [], Decimal("0.00")
    for synced in active:
        if total >= amount:
            break
        undone.append(synced)
        total += synced.amount
    payment_register(
        invoice=invoice, date=timezone.localdate(), amount=-total,
        source=Payment.Source.ECONOMIC,
        external_reference=_reference(export, seen, f"back{seen.gross - seen.remainder}"),
    )  # fmt: skip
    for synced in undone:
        synced.state, synced.reversed_at = SyncedPaymentState.REVERSED, timezone.now()
        synced.save(update_fields=["state", "reversed_at"])
    if total > amount:
        # Made after the rows above are marked, so its reversal count gives it a new reference.
        reference = _reference(export, seen, f"to{seen.gross - seen.remainder}")
        _record(invoice, export, seen, run, total - amount, kind=SyncedPaymentKind.CASH,
                reference=reference, paid_on=undone[-1].paid_on)  # the oldest part stays
    return REVERSED

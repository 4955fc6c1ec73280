"""Make our synced payments of one invoice what its customer-payment entries in e-conomic are.

Called inside the invoice's transaction (ledger.py). Each standing entry is one synced payment
with e-conomic's date, amount in both currencies and voucher, keyed by the entry's number so
that a second import, or one racing this one, arrives at the same key. A payment whose entry
left e-conomic was deleted there; one undone by an opposite entry was reversed: either way ours
is reversed with a negative ledger payment. An entry whose amount or date changed changes ours.
Each of those is a PaymentChange in words.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts_app.currency import base_currency
from accounts_app.models import Invoice, Payment
from accounts_app.money import money_display
from accounts_app.services import payment_correct, payment_register
from integration.models import (
    InvoiceExport,
    PaymentChange,
    PaymentChangeKind,
    PaymentImport,
    SyncedPayment,
    SyncedPaymentKind,
    SyncedPaymentState,
)
from integration.services.payments.entries import PaymentEntry

PAID, PARTIAL, REVERSED, CHANGED, UNCHANGED = "paid", "partial", "reversed", "changed", "unchanged"


def payments_mirror(
    *,
    invoice: Invoice,
    export: InvoiceExport,
    run: PaymentImport,
    standing: list[PaymentEntry],
    reversed_by: dict[int, PaymentEntry],
    replaced_by: dict[int, PaymentEntry],
    paid_in_full: bool,
) -> str:
    """Bring the invoice's cash payments in line with `standing`; the outcome. Removals first,
    so that the paid amount never dips below nothing on the way. A payment corrected in
    e-conomic (its entry undone and a new one booked) stays one payment of ours, changed."""
    ours = {
        synced.entry_number: synced
        for synced in SyncedPayment.objects.filter(
            connection_id=export.connection_id, invoice=invoice, kind=SyncedPaymentKind.CASH,
            state=SyncedPaymentState.ACTIVE,
        ).select_related("payment")
    }  # fmt: skip
    wanted = {entry.entry_number: entry for entry in standing}
    removed = [synced for number, synced in ours.items() if number not in wanted]
    replaced = _replacements(removed, wanted, ours, reversed_by, replaced_by)
    for synced, entry in replaced:
        _replace(synced, entry, run=run, rate=_booked_rate(invoice, export))
        ours[entry.entry_number] = synced
    removed = [synced for synced in removed if synced not in {old for old, _ in replaced}]
    for synced in removed:
        _remove(synced, run=run, reversal=reversed_by.get(synced.entry_number))
    changed = [
        (ours[number], entry) for number, entry in wanted.items()
        if number in ours and (ours[number].amount, ours[number].paid_on)
        != (entry.amount, entry.date)
    ]  # fmt: skip
    for synced, entry in changed:
        _change(synced, entry, run=run, rate=_booked_rate(invoice, export))
    new = [entry for number, entry in wanted.items() if number not in ours]
    for entry in new:
        _record(invoice, export, run, entry)
    if new:
        return PAID if paid_in_full else PARTIAL
    return REVERSED if removed else CHANGED if changed or replaced else UNCHANGED


def _replacements(
    removed, wanted, ours, reversed_by, replaced_by
) -> list[tuple[SyncedPayment, PaymentEntry]]:
    """Our payments whose entry gave way to a new one: undone in the voucher that booked the
    new entry, or (a payment deleted and entered again) the one deletion beside the one new
    entry of the same amount."""
    unclaimed = [entry for number, entry in wanted.items() if number not in ours]
    pairs = []
    for synced in removed:
        entry = replaced_by.get(synced.entry_number)
        if entry in unclaimed:  # two payments undone for one new entry: the first takes it
            pairs.append((synced, entry))
            unclaimed.remove(entry)
    left = [synced for synced in removed if synced.entry_number not in reversed_by]
    if len(left) == 1 and len(unclaimed) == 1 and left[0].amount == unclaimed[0].amount:
        pairs.append((left[0], unclaimed[0]))
    return pairs


def exchange_difference(amount: Decimal, in_base: Decimal | None, rate: Decimal | None):
    """What the payment was worth in base currency less the same amount at the rate the invoice
    was booked at: a gain when positive. None while either is unknown."""
    if in_base is None or rate is None:
        return None
    return (in_base - amount * rate).quantize(Decimal("0.01"))


def _booked_rate(invoice: Invoice, export: InvoiceExport) -> Decimal | None:
    """The invoice's rate as e-conomic applied it, else the one we sent; 1 in base currency."""
    if invoice.currency == base_currency():
        return Decimal("1")
    return export.exchange_rate or invoice.exchange_rate


def entry_reference(connection_id: int, entry_number: int) -> str:
    return f"c{connection_id}-e{entry_number}"


def _record(invoice: Invoice, export: InvoiceExport, run: PaymentImport, entry: PaymentEntry):
    reference = entry_reference(export.connection_id, entry.entry_number)
    payment = payment_register(
        invoice=invoice, date=entry.date, amount=entry.amount,
        source=Payment.Source.ECONOMIC, external_reference=reference,
    )  # fmt: skip
    SyncedPayment.objects.create(
        connection_id=export.connection_id, invoice=invoice, payment=payment,
        payment_import=run, booked_number=export.booked_number or 0, reference=reference,
        amount=entry.amount, currency=entry.currency, entry_number=entry.entry_number,
        paid_on=entry.date, voucher_number=entry.voucher_number,
        amount_in_base_currency=entry.amount_in_base_currency,
        exchange_difference=exchange_difference(
            entry.amount, entry.amount_in_base_currency, _booked_rate(invoice, export)),
    )  # fmt: skip


def _remove(synced: SyncedPayment, *, run: PaymentImport, reversal: PaymentEntry | None) -> None:
    today = timezone.localdate()
    payment_register(
        invoice=synced.invoice, date=reversal.date if reversal else today,
        amount=-synced.amount, source=Payment.Source.ECONOMIC,
        external_reference=f"{synced.reference}-back",
    )  # fmt: skip
    synced.state, synced.reversed_at = SyncedPaymentState.REVERSED, timezone.now()
    synced.save(update_fields=["state", "reversed_at"])
    if reversal is None:
        # e-conomic keeps no trace of a deleted entry, so its day is the day we saw it gone.
        text = _("%(payment)s, deleted in e-conomic on %(day)s") % {
            "payment": _described(synced), "day": _day(today)
        }
        _change_record(synced, run, PaymentChangeKind.DELETED, text)
    else:
        text = _("%(payment)s, reversed in e-conomic on %(day)s (voucher %(voucher)s)") % {
            "payment": _described(synced), "day": _day(reversal.date),
            "voucher": reversal.voucher_number,
        }
        _change_record(synced, run, PaymentChangeKind.REVERSED, text)


def _change(synced: SyncedPayment, entry: PaymentEntry, *, run: PaymentImport, rate) -> None:
    """The entry itself shows another amount or date."""
    before = _described(synced)
    payment_correct(payment=synced.payment, amount=entry.amount, date=entry.date)
    _take(synced, entry, rate, fields=[])
    text = _("%(before)s, changed in e-conomic to %(after)s (seen %(day)s)") % {
        "before": before, "after": _described(synced), "day": _day(timezone.localdate())
    }
    _change_record(synced, run, PaymentChangeKind.CHANGED, text)


def _replace(synced: SyncedPayment, entry: PaymentEntry, *, run: PaymentImport, rate) -> None:
    """The payment's entry was undone and `entry` booked in its place. Ours takes the new
    entry's key, so an import racing this one collides on it instead of paying again."""
    before = _described(synced)
    reference = entry_reference(synced.connection_id, entry.entry_number)
    payment_correct(payment=synced.payment, amount=entry.amount, date=entry.date,
                    external_reference=reference)  # fmt: skip
    synced.entry_number, synced.reference = entry.entry_number, reference
    synced.voucher_number = entry.voucher_number
    _take(synced, entry, rate, fields=["entry_number", "reference", "voucher_number"])
    text = _(
        "%(before)s, changed in e-conomic to %(after)s (voucher %(voucher)s, seen %(day)s)"
    ) % {
        "before": before, "after": _described(synced), "voucher": entry.voucher_number,
        "day": _day(timezone.localdate()),
    }
    _change_record(synced, run, PaymentChangeKind.CHANGED, text)


def _take(synced: SyncedPayment, entry: PaymentEntry, rate, *, fields: list[str]) -> None:
    synced.amount, synced.paid_on = entry.amount, entry.date
    synced.amount_in_base_currency = entry.amount_in_base_currency
    synced.exchange_difference = exchange_difference(
        entry.amount, entry.amount_in_base_currency, rate)
    synced.save(update_fields=[*fields, "amount", "paid_on", "amount_in_base_currency",
                               "exchange_difference"])  # fmt: skip


def _change_record(synced: SyncedPayment, run: PaymentImport, kind: str, text: str) -> None:
    # Two imports seeing the same edit number it alike; the unique key keeps one.
    PaymentChange.objects.create(
        synced_payment=synced, payment_import=run, kind=kind, description=text,
        sequence=synced.changes.count() + 1,
    )  # fmt: skip


def _described(synced: SyncedPayment) -> str:
    day = _day(synced.paid_on) if synced.paid_on else _("unknown date")
    return _("payment of %(day)s, %(money)s") % {
        "day": day, "money": money_display(synced.amount, synced.currency)
    }


def paid_on_for_people(synced: SyncedPayment) -> str:
    """The payment's date and where it comes from, so that a date e-conomic gave is never
    mistaken for the day we happened to look."""
    if synced.paid_on is None:
        return _("date unknown, seen on %(day)s") % {
            "day": _day(timezone.localtime(synced.detected_at).date())
        }
    if synced.entry_number is not None:
        return _day(synced.paid_on)
    if synced.kind == SyncedPaymentKind.CREDIT_NOTE:
        return _("%(day)s (the credit note's date)") % {"day": _day(synced.paid_on)}
    return _("%(day)s (the entry that settled it, voucher %(voucher)s)") % {
        "day": _day(synced.paid_on), "voucher": synced.voucher_number
    }


def _day(day: datetime.date) -> str:
    # As the active language writes a date (01-12-2026, 01 Dec 2026), like every other screen.
    return date_format(day, "SHORT_DATE_FORMAT")

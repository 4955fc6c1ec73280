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

from accounts_app.models import Invoice, Payment
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
    paid_in_full: bool,
) -> str:
    """Bring the invoice's cash payments in line with `standing`; the outcome. Removals first,
    so that the paid amount never dips below nothing on the way."""
    ours = {
        synced.entry_number: synced
        for synced in SyncedPayment.objects.filter(
            connection_id=export.connection_id, invoice=invoice, kind=SyncedPaymentKind.CASH,
            state=SyncedPaymentState.ACTIVE,
        ).select_related("payment")
    }  # fmt: skip
    wanted = {entry.entry_number: entry for entry in standing}
    removed = [synced for number, synced in ours.items() if number not in wanted]
    for synced in removed:
        _remove(synced, run=run, reversal=reversed_by.get(synced.entry_number))
    changed = [
        (ours[number], entry) for number, entry in wanted.items()
        if number in ours and (ours[number].amount, ours[number].paid_on)
        != (entry.amount, entry.date)
    ]  # fmt: skip
    for synced, entry in changed:
        _change(synced, entry, run=run)
    new = [entry for number, entry in wanted.items() if number not in ours]
    for entry in new:
        _record(invoice, export, run, entry)
    if new:
        return PAID if paid_in_full else PARTIAL
    return REVERSED if removed else CHANGED if changed else UNCHANGED


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
        text = f"{_described(synced)}, deleted in e-conomic on {_day(today)}"
        _change_record(synced, run, PaymentChangeKind.DELETED, text)
    else:
        text = (f"{_described(synced)}, reversed in e-conomic on {_day(reversal.date)} "
                f"(voucher {reversal.voucher_number})")  # fmt: skip
        _change_record(synced, run, PaymentChangeKind.REVERSED, text)


def _change(synced: SyncedPayment, entry: PaymentEntry, *, run: PaymentImport) -> None:
    before = _described(synced)
    payment_correct(payment=synced.payment, amount=entry.amount, date=entry.date)
    synced.amount, synced.paid_on = entry.amount, entry.date
    synced.amount_in_base_currency = entry.amount_in_base_currency
    synced.save(update_fields=["amount", "paid_on", "amount_in_base_currency"])
    text = (f"{before}, changed in e-conomic to {_described(synced)} "
            f"(seen {_day(timezone.localdate())})")  # fmt: skip
    _change_record(synced, run, PaymentChangeKind.CHANGED, text)


def _change_record(synced: SyncedPayment, run: PaymentImport, kind: str, text: str) -> None:
    # Two imports seeing the same edit number it alike; the unique key keeps one.
    PaymentChange.objects.create(
        synced_payment=synced, payment_import=run, kind=kind, description=text,
        sequence=synced.changes.count() + 1,
    )  # fmt: skip


def _described(synced: SyncedPayment) -> str:
    day = _day(synced.paid_on) if synced.paid_on else "unknown date"
    return f"payment of {day}, {money_for_people(synced.amount)} {synced.currency}"


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def money_for_people(amount: Decimal) -> str:
    """5.000,00: thousands by dots and øre by a comma, as the Danish finance staff read it."""
    return f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")

"""Payments the import must not apply on its own: a person decides whose money it is."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from accounts_app.models import Invoice
from accounts_app.money import money_display
from integration.services.payments.ledger import Seen


def unexported_payment(remote: dict) -> str:
    """Why a person must look at an e-conomic invoice never exported from here: money was paid
    on it. "" when nothing was (an invoice made in e-conomic itself is no concern of ours)."""
    seen = Seen.from_remote(remote)
    paid = seen.gross - seen.remainder
    if paid == Decimal("0.00"):
        return ""
    return _(
        "e-conomic invoice %(number)s: %(amount)s paid on an invoice never exported from here."
    ) % {"number": seen.booked_number, "amount": money_display(paid, seen.currency)}


def currency_mismatch(*, invoice: Invoice, seen: Seen) -> str:
    """Why a payment in another currency than the invoice's is not applied; "" when it is the
    same (or e-conomic did not say, as before currencies were read)."""
    if not seen.currency or seen.currency == invoice.currency:
        return ""
    return _(
        "e-conomic invoice %(number)s (our %(invoice)s): a payment in %(currency)s on an invoice "
        "in %(invoice_currency)s."
    ) % {"number": seen.booked_number, "invoice": invoice, "currency": seen.currency,
         "invoice_currency": invoice.currency}  # fmt: skip

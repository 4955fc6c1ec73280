"""Payments: register and remove them, and keep the invoice's paid amount and state true."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts_app.errors import PaymentError
from accounts_app.models import Invoice, Payment
from accounts_app.money import Money
from accounts_app.signals import payment_registered
from accounts_app.validators import payment_date_validate

State = Invoice.State


def payment_register(
    *,
    invoice: Invoice,
    date: datetime.date,
    amount: Decimal,
    source: str = Payment.Source.MANUAL,
    external_reference: str = "",
) -> Payment:
    """Record a payment (or, with a negative amount, a reversal) against a finalized invoice.
    A payment already recorded under the same source and external reference is refused."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        payment_check(
            invoice=locked, amount=amount, source=source, external_reference=external_reference,
            date=date,
        )  # fmt: skip
        payment = Payment.objects.create(
            invoice=locked,
            date=date,
            amount=amount,
            source=source,
            external_reference=external_reference,
        )
        invoice_payments_refresh(invoice=locked)
        payment_registered.send(sender=Payment, payment=payment, invoice=locked)
    return payment


def payment_correct(
    *, payment: Payment, amount: Decimal, date: datetime.date, external_reference: str = ""
) -> Payment:
    """Give a recorded payment the amount and date its source now shows (a bookkeeper's edit
    there), and, given one, the reference the source now knows it by; bring its invoice's paid
    amount and state in line."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        if amount == 0:
            raise PaymentError(_("A payment of 0 changes nothing; delete it instead."))
        if invoice.amount_paid - payment.amount + amount < 0:
            raise PaymentError(
                _("Changing %(before)s to %(after)s would leave %(invoice)s with less than "
                  "nothing paid (paid so far: %(paid)s).")
                % {"before": _money(payment.amount, invoice), "after": _money(amount, invoice),
                   "invoice": invoice, "paid": _money(invoice.amount_paid, invoice)}
            )  # fmt: skip
        payment.amount, payment.date = amount, date
        payment.external_reference = external_reference or payment.external_reference
        payment.save(update_fields=["amount", "date", "external_reference"])
        invoice_payments_refresh(invoice=invoice)
    return payment


def payment_delete(*, payment: Payment) -> None:
    """Remove a payment entered by mistake and bring its invoice's state back in line."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        payment.delete()
        invoice_payments_refresh(invoice=invoice)


def invoice_payments_refresh(*, invoice: Invoice) -> Invoice:
    """Set amount_paid from the payments and the state from what is still owed."""
    paid = invoice.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    invoice.amount_paid = paid
    invoice.state = _state_for(invoice, paid)
    invoice.save(update_fields=["amount_paid", "state", "updated_at"])
    return invoice


def _state_for(invoice: Invoice, paid: Decimal) -> str:
    if invoice.state in (State.CREDITED, State.DRAFT):
        return invoice.state
    if paid <= 0:
        return State.FINALIZED
    return State.PARTLY_PAID if paid < invoice.gross_total else State.PAID


def payment_check(
    *,
    invoice: Invoice,
    amount: Decimal,
    source: str,
    external_reference: str = "",
    date: datetime.date | None = None,
) -> None:
    """Raise PaymentError with the reason if this payment cannot be registered. A payment
    e-conomic recorded is taken with its own date and amount: the accounting system is the record
    of what came in, and what it disagrees on is the reconciliation's to show."""
    if invoice.state == State.DRAFT:
        raise PaymentError(
            _("%(invoice)s is a draft; finalize it before registering payments.")
            % {"invoice": invoice}
        )
    if invoice.is_credit_note:
        raise PaymentError(
            _("%(invoice)s is a credit note; it takes no payments.") % {"invoice": invoice}
        )
    if amount == 0:
        raise PaymentError(_("A payment of 0 changes nothing; enter the amount received."))
    if invoice.amount_paid + amount < 0:
        raise PaymentError(
            _("Reversing %(amount)s would leave %(invoice)s with less than nothing paid (paid so "
              "far: %(paid)s).") % {"amount": _money(-amount, invoice), "invoice": invoice,
                                    "paid": _money(invoice.amount_paid, invoice)}
        )  # fmt: skip
    if source != Payment.Source.ECONOMIC:
        _refuse_implausible(invoice=invoice, amount=amount, date=date)
    if external_reference and Payment.objects.filter(
        source=source, external_reference=external_reference
    ).exists():
        raise PaymentError(
            _("Payment %(reference)s from %(source)s is already recorded.")
            % {"reference": repr(external_reference), "source": source}
        )


def _refuse_implausible(*, invoice: Invoice, amount: Decimal, date: datetime.date | None) -> None:
    if date is not None:
        try:
            payment_date_validate(date)
        except ValidationError as error:
            raise PaymentError(error.messages[0]) from error
    # Paying twice happens (the overpayment is refunded); more than that is a mistyped amount.
    overpaid = invoice.amount_paid + amount - invoice.gross_total
    if amount > 0 and overpaid > invoice.gross_total:
        raise PaymentError(
            _("%(amount)s would overpay %(invoice)s by %(overpaid)s, more than its gross of "
              "%(gross)s (paid so far: %(paid)s): check the amount.")
            % {"amount": _money(amount, invoice), "invoice": invoice,
               "overpaid": _money(overpaid, invoice), "gross": _money(invoice.gross_total, invoice),
               "paid": _money(invoice.amount_paid, invoice)}
        )  # fmt: skip


def _money(amount: Decimal, invoice: Invoice) -> Money:
    return Money(amount, invoice.currency)

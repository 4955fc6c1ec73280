import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts_app.errors import PaymentError
from accounts_app.models import Invoice, Payment
from accounts_app.services import invoice_credit, payment_delete, payment_register
from accounts_app.signals import payment_registered
from tests.ledger.factories import invoice_with_lines

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 4, 1)


def pay(invoice, amount, **options) -> Payment:
    return payment_register(invoice=invoice, date=TODAY, amount=Decimal(amount), **options)


def test_a_part_payment_makes_the_invoice_partly_paid_and_the_rest_paid():
    invoice = invoice_with_lines(finalized=True)  # 125.00 gross
    pay(invoice, "25.00")
    invoice.refresh_from_db()
    assert (invoice.state, invoice.amount_paid, invoice.amount_due) == (
        Invoice.State.PARTLY_PAID, Decimal("25.00"), Decimal("100.00"),
    )  # fmt: skip
    pay(invoice, "100.00")
    invoice.refresh_from_db()
    assert invoice.state == Invoice.State.PAID


def test_a_reversal_brings_a_paid_invoice_back_to_finalized():
    invoice = invoice_with_lines(finalized=True)
    pay(invoice, "125.00")
    pay(invoice, "-125.00")
    invoice.refresh_from_db()
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.FINALIZED, Decimal("0.00"))


def test_deleting_a_payment_recomputes_the_invoice():
    invoice = invoice_with_lines(finalized=True)
    payment_delete(payment=pay(invoice, "125.00"))
    invoice.refresh_from_db()
    assert invoice.state == Invoice.State.FINALIZED


def test_a_payment_on_a_draft_is_refused():
    with pytest.raises(PaymentError, match="finalize it before registering payments"):
        pay(invoice_with_lines(), "10.00")


def test_a_reversal_beyond_what_was_paid_is_refused():
    with pytest.raises(PaymentError, match="less than nothing paid"):
        pay(invoice_with_lines(finalized=True), "-1.00")


def test_a_credit_note_takes_no_payments():
    credit_note = invoice_credit(invoice=invoice_with_lines(finalized=True))
    with pytest.raises(PaymentError, match="is a credit note"):
        pay(credit_note, "-125.00")


def test_a_payment_from_a_source_is_recorded_once():
    invoice = invoice_with_lines(finalized=True)
    pay(invoice, "10.00", source="import", external_reference="BANK-1")
    with pytest.raises(PaymentError, match="'BANK-1' from import is already recorded"):
        pay(invoice, "10.00", source="import", external_reference="BANK-1")
    pay(invoice, "10.00", source="manual", external_reference="BANK-1")
    pay(invoice, "10.00")
    pay(invoice, "10.00")
    assert Payment.objects.count() == 4


def test_the_database_refuses_a_duplicate_source_reference():
    invoice = invoice_with_lines(finalized=True)
    pay(invoice, "10.00", source="import", external_reference="BANK-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(invoice=invoice, date=TODAY, amount=Decimal("1"),
                               source="import", external_reference="BANK-2")  # fmt: skip


def test_registering_a_payment_tells_listeners_with_the_updated_invoice():
    invoice = invoice_with_lines(finalized=True)
    heard = []

    def listener(sender, payment, invoice, **kwargs):
        heard.append((payment.amount, invoice.state))

    payment_registered.connect(listener)
    try:
        pay(invoice, "5.00")
    finally:
        payment_registered.disconnect(listener)
    assert heard == [(Decimal("5.00"), Invoice.State.PARTLY_PAID)]

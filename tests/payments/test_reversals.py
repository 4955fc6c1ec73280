"""Reversals are mirrored: an invoice we hold as paid that is unpaid again."""

from decimal import Decimal

from accounts_app.models import Invoice, Payment
from integration.models import SyncedPayment
from tests.payments.conftest import exported, fresh, run_import


def test_a_reversed_full_payment_makes_the_invoice_unpaid_again(full_only, sandbox):
    invoice, number = exported(full_only, sandbox)
    payment = sandbox.register_payment(number, 250.0)
    run_import(full_only)

    sandbox.reverse_payment(payment["id"])
    run = run_import(full_only)

    assert run.reversed == 1
    invoice = fresh(invoice)
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.FINALIZED, Decimal("0.00"))
    assert SyncedPayment.objects.get(invoice=invoice).state == "reversed"
    amounts = sorted(Payment.objects.filter(invoice=invoice).values_list("amount", flat=True))
    assert amounts == [Decimal("-250.00"), Decimal("250.00")]


def test_a_reversal_of_one_of_two_payments_leaves_the_invoice_partly_paid(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 100.0)
    run_import(paying)
    second = sandbox.register_payment(number, 150.0)
    run_import(paying)

    sandbox.reverse_payment(second["id"])
    assert run_import(paying).reversed == 1

    invoice = fresh(invoice)
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.PARTLY_PAID, Decimal("100.00"))
    states = dict(SyncedPayment.objects.values_list("amount", "state"))
    assert states == {Decimal("100.00"): "active", Decimal("150.00"): "reversed"}


def test_paid_again_after_a_reversal_is_recorded_again(full_only, sandbox):
    invoice, number = exported(full_only, sandbox)
    payment = sandbox.register_payment(number, 250.0)
    run_import(full_only)
    sandbox.reverse_payment(payment["id"])
    run_import(full_only)

    sandbox.register_payment(number, 250.0)
    assert run_import(full_only).paid == 1

    assert fresh(invoice).state == Invoice.State.PAID
    assert SyncedPayment.objects.filter(invoice=invoice, state="active").count() == 1
    assert run_import(full_only).unchanged == 1

"""Full and partial payments: the amount paid is gross - remainder, recorded as it grows."""

from decimal import Decimal

from accounts_app.models import Invoice, Payment
from integration.models import SyncedPayment
from tests.payments.conftest import exported, fresh, run_import


def test_a_partial_payment_is_recorded_as_it_grows(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 100.0)

    run = run_import(paying)
    assert run.partial == 1
    invoice = fresh(invoice)
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.PARTLY_PAID, Decimal("100.00"))

    sandbox.register_payment(number, 50.0)
    assert run_import(paying).partial == 1
    assert fresh(invoice).amount_paid == Decimal("150.00")

    sandbox.register_payment(number, 100.0)
    assert run_import(paying).paid == 1
    amounts = sorted(Payment.objects.filter(invoice=invoice).values_list("amount", flat=True))
    assert amounts == [Decimal("50.00"), Decimal("100.00"), Decimal("100.00")]
    assert fresh(invoice).state == Invoice.State.PAID
    assert SyncedPayment.objects.filter(invoice=invoice, state="active").count() == 3


def test_a_payment_entered_here_as_well_is_not_counted_twice(paying, sandbox):
    from accounts_app.services import payment_register

    invoice, number = exported(paying, sandbox)
    payment_register(invoice=invoice, date=invoice.issue_date, amount=Decimal("100.00"))
    sandbox.register_payment(number, 250.0)

    assert run_import(paying).paid == 1

    invoice = fresh(invoice)
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.PAID, Decimal("250.00"))
    assert SyncedPayment.objects.get(invoice=invoice).amount == Decimal("150.00")

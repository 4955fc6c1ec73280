"""Two payments made between two imports: each is its own customer-payment entry, so they are
recorded as two, and reversing one of them undoes that one only."""

from decimal import Decimal

from django.db.models import Sum

from accounts_app.models import Invoice, Payment
from integration.models import SyncedPayment
from tests.payments.conftest import exported, fresh, run_import


def two_payments_imported_together(connection, sandbox):
    invoice, number = exported(connection, sandbox)
    first = sandbox.register_payment(number, 100.0)
    second = sandbox.register_payment(number, 150.0)
    run_import(connection)
    amounts = SyncedPayment.objects.filter(invoice=invoice).values_list("amount", flat=True)
    assert sorted(amounts) == [Decimal("100.00"), Decimal("150.00")]
    return invoice, first, second


def active_synced(invoice) -> Decimal:
    rows = SyncedPayment.objects.filter(invoice=invoice, state="active")
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def ledger_paid(invoice) -> Decimal:
    return Payment.objects.filter(invoice=invoice).aggregate(total=Sum("amount"))["total"]


def test_reversing_one_of_two_payments_imported_together_keeps_the_other_as_paid(paying, sandbox):
    invoice, _first, second = two_payments_imported_together(paying, sandbox)

    sandbox.reverse_payment(second["id"])
    assert run_import(paying).reversed == 1

    invoice = fresh(invoice)
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.PARTLY_PAID, Decimal("100.00"))
    assert active_synced(invoice) == Decimal("100.00")
    assert ledger_paid(invoice) == Decimal("100.00")
    assert run_import(paying).unchanged == 1


def test_a_later_reversal_of_the_rest_makes_the_invoice_unpaid(paying, sandbox):
    invoice, first, second = two_payments_imported_together(paying, sandbox)
    sandbox.reverse_payment(second["id"])
    run_import(paying)

    sandbox.reverse_payment(first["id"])
    assert run_import(paying).reversed == 1

    invoice = fresh(invoice)
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.FINALIZED, Decimal("0.00"))
    assert active_synced(invoice) == Decimal("0.00")
    assert ledger_paid(invoice) == Decimal("0.00")

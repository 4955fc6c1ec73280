"""Full payments only (Productive's mode): an invoice counts once fully paid."""

from decimal import Decimal

from auditlog.models import LogEntry

from accounts_app.models import Invoice, Payment
from integration.models import ImportState, SyncedPayment
from tests.payments.conftest import exported, fresh, run_import


def test_a_fully_paid_invoice_is_recorded_as_paid(full_only, sandbox):
    invoice, number = exported(full_only, sandbox)
    sandbox.register_payment(number, 250.0)

    run = run_import(full_only)

    assert (run.state, run.checked, run.paid) == (ImportState.DONE, 1, 1)
    invoice = fresh(invoice)
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.PAID, Decimal("250.00"))
    payment = Payment.objects.get(invoice=invoice)
    assert (payment.source, payment.amount) == (Payment.Source.ECONOMIC, Decimal("250.00"))
    synced = SyncedPayment.objects.get(invoice=invoice)
    assert (synced.booked_number, synced.kind, synced.currency) == (number, "cash", "DKK")
    # The import's writes are the synced payment's record, not the people's audit trail.
    assert not LogEntry.objects.get_for_object(payment).exists()


def test_a_partial_payment_waits_until_the_invoice_is_paid_in_full(full_only, sandbox):
    invoice, number = exported(full_only, sandbox)
    sandbox.register_payment(number, 100.0)

    run = run_import(full_only)
    assert (run.partial, run.unchanged) == (0, 1)
    assert fresh(invoice).state == Invoice.State.FINALIZED

    sandbox.register_payment(number, 150.0)
    run = run_import(full_only)
    assert run.paid == 1
    assert fresh(invoice).amount_paid == Decimal("250.00")
    # Once paid in full, each payment is recorded as e-conomic booked it.
    amounts = Payment.objects.filter(invoice=invoice).values_list("amount", flat=True)
    assert sorted(amounts) == [Decimal("100.00"), Decimal("150.00")]


def test_a_second_run_changes_nothing(full_only, sandbox):
    invoice, number = exported(full_only, sandbox)
    sandbox.register_payment(number, 250.0)
    run_import(full_only)

    again = run_import(full_only)

    assert (again.paid, again.unchanged) == (0, 1)
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert SyncedPayment.objects.count() == 1


def test_unpaid_invoices_are_left_alone(full_only, sandbox):
    invoice, _number = exported(full_only, sandbox)

    run = run_import(full_only)

    assert (run.checked, run.unchanged) == (1, 1)
    assert not Payment.objects.exists()

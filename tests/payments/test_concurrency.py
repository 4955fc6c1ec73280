"""Two imports at once, or a schedule firing twice: one applies, the other changes nothing."""

import datetime
import threading

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from accounts_app.models import Payment
from integration.models import ImportState, PaymentImport, SyncedPayment
from integration.services.payments import payments_import
from tests.payments.conftest import exported, run_import


def test_a_schedule_firing_twice_applies_once(paying, sandbox):
    _invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 250.0)

    first = run_import(paying, trigger="daily")
    second = run_import(paying, trigger="daily")

    assert (first.paid, second.paid, second.unchanged) == (1, 0, 1)
    assert Payment.objects.count() == SyncedPayment.objects.count() == 1


def test_an_import_while_another_runs_is_skipped_and_changes_nothing(paying, sandbox):
    _invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 250.0)
    PaymentImport.objects.create(connection=paying, trigger="daily")
    since = sandbox.last_request_id()

    run = payments_import(connection=paying, trigger="manual")

    assert run.state == ImportState.SKIPPED
    assert sandbox.request_log(since) == []
    assert not Payment.objects.exists()


def test_an_abandoned_import_no_longer_holds_the_lock(paying, sandbox):
    _invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 250.0)
    stale = PaymentImport.objects.create(connection=paying, trigger="daily")
    PaymentImport.objects.filter(pk=stale.pk).update(
        started=timezone.now() - datetime.timedelta(hours=2)
    )

    assert run_import(paying).paid == 1

    stale.refresh_from_db()
    assert stale.state == ImportState.FAILED and "Abandoned" in stale.error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_in_threads_pay_once(paying, sandbox):
    if db_connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so the two imports cannot overlap there.")
    numbers = [exported(paying, sandbox)[1] for _ in range(5)]
    for number in numbers:
        sandbox.register_payment(number, 250.0)
    start, runs = threading.Barrier(2), []

    def one_import() -> None:
        start.wait()
        try:
            runs.append(payments_import(connection=paying, trigger="daily"))
        finally:
            db_connection.close()

    threads = [threading.Thread(target=one_import) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(run.paid for run in runs) == 5
    assert Payment.objects.count() == SyncedPayment.objects.count() == 5
    assert {run.state for run in runs} <= {ImportState.DONE, ImportState.SKIPPED}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_change_applied_by_two_threads_is_recorded_once(paying, sandbox):
    """Without the run lock (two imports of one invoice racing), the row lock and the derived
    unique reference still let only one of them record the payment."""
    if db_connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so the two imports cannot overlap there.")
    from integration.models import InvoiceExport
    from integration.services.payments.ledger import Seen, invoice_payments_sync

    _invoice, number = exported(paying, sandbox)
    export = InvoiceExport.objects.select_related("connection").get(booked_number=number)
    seen = Seen(booked_number=number, gross=export.invoice.gross_total, remainder=0, currency="DKK")
    run = PaymentImport.objects.create(connection=paying, trigger="manual")
    start, outcomes = threading.Barrier(2), []

    def apply() -> None:
        start.wait()
        try:
            outcomes.append(invoice_payments_sync(export=export, seen=seen, run=run))
        finally:
            db_connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["paid", "unchanged"]
    assert Payment.objects.count() == 1

"""e-conomic unreachable in the middle of a run: the run fails with the reason, each invoice is
either wholly applied or untouched, and the next run completes."""

from decimal import Decimal

from accounts_app.models import Invoice, Payment
from integration.economic.transport import build_session
from integration.models import ImportState, SyncedPayment
from integration.services.connections import connection_client
from integration.services.payments import payments_import
from tests.payments.conftest import exported, fresh


def impatient_client(connection):
    """The product's client with one retry and no backoff, so the burst outlasts it quickly."""
    client = connection_client(connection=connection, purpose="payment import")
    client.session = build_session(retries=1, backoff=0)
    return client


def test_a_503_burst_fails_the_run_and_the_next_run_completes(paying, sandbox):
    partly, partly_number = exported(paying, sandbox)
    paid, paid_number = exported(paying, sandbox)
    sandbox.register_payment(partly_number, 100.0)
    sandbox.register_payment(paid_number, 250.0)
    sandbox.set_faults(script=[{"fault": "503", "path": "/invoices/booked"}] * 3)

    run = payments_import(connection=paying, client=impatient_client(paying))

    assert run.state == ImportState.FAILED
    assert "503" in run.error and run.finished is not None
    # The partial payment was found on the unpaid page, but changed invoices wait for their
    # batch's payment entries: the burst stopped the run before them, so both are untouched.
    assert (run.partial, run.paid) == (0, 0)
    assert fresh(partly).amount_paid == Decimal("0.00")
    assert fresh(paid).state == Invoice.State.FINALIZED
    assert not Payment.objects.filter(invoice=paid).exists()
    assert not SyncedPayment.objects.filter(invoice=paid).exists()
    assert run.api_calls == 4  # years, new payment entries, the unpaid page, the failed read

    sandbox.set_faults()
    again = payments_import(connection=paying)
    assert (again.state, again.paid, again.partial) == (ImportState.DONE, 1, 1)
    assert fresh(paid).amount_paid == Decimal("250.00")
    assert fresh(partly).amount_paid == Decimal("100.00")


def test_an_unreachable_e_conomic_fails_the_run_with_the_reason(paying, sandbox, settings):
    exported(paying, sandbox)
    settings.ECONOMIC_ENDPOINTS = {
        **settings.ECONOMIC_ENDPOINTS,
        "sandbox": {**settings.ECONOMIC_ENDPOINTS["sandbox"], "rest_url": "http://127.0.0.1:9"},
    }
    client = impatient_client(paying)

    run = payments_import(connection=paying, client=client)

    assert run.state == ImportState.FAILED
    assert "could not be reached" in run.error
    assert sandbox.grant_token not in run.error

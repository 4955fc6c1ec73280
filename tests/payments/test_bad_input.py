"""Unknown and deleted invoices, payment sync off, and payments before payments_since."""

import datetime

from accounts_app.models import Payment
from integration.models import ImportState, InvoiceExport
from integration.models.connection import ExportMethod, PaymentSync
from integration.services.payments import payments_import
from tests.exports.conftest import make_invoice
from tests.payments.conftest import exported, run_import


def test_an_invoice_number_e_conomic_does_not_know_is_skipped_with_a_warning(paying, sandbox):
    InvoiceExport.objects.create(
        connection=paying, invoice=make_invoice(), method=ExportMethod.BOOKED, booked_number=99999
    )

    run = run_import(paying)

    assert (run.state, run.skipped) == (ImportState.DONE, 1)
    assert "e-conomic invoice 99999" in run.warnings


def test_a_webhook_naming_an_invoice_we_do_not_have_is_skipped_with_a_warning(paying, sandbox):
    _invoice, number = exported(paying, sandbox)
    InvoiceExport.objects.filter(booked_number=number).delete()  # as when deleted here

    run = run_import(paying, trigger="webhook", numbers=[number, 88888])

    assert (run.checked, run.skipped) == (2, 2)
    assert f"e-conomic invoice {number}: not one of our" in run.warnings
    assert "e-conomic invoice 88888" in run.warnings


def test_invoices_of_another_connection_are_not_touched(paying, sandbox):
    from integration.models import Connection

    other = Connection.objects.create(name="Other", endpoint="sandbox", grant_token="x")
    _invoice, number = exported(other, sandbox)
    sandbox.register_payment(number, 250.0)

    run = run_import(paying)

    assert run.checked == 0
    assert not Payment.objects.exists()


def test_nothing_is_imported_before_payments_since(paying, sandbox):
    _invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 250.0)
    paying.payments_since = datetime.date.today() + datetime.timedelta(days=1)
    paying.save()

    run = payments_import(connection=paying)

    assert (run.state, run.checked, run.api_calls) == (ImportState.DONE, 0, 0)
    assert "from" in run.warnings
    assert not Payment.objects.exists()


def test_nothing_is_imported_with_payment_sync_off(paying, sandbox):
    paying.payment_sync = PaymentSync.OFF
    paying.save()

    run = payments_import(connection=paying)

    assert (run.checked, run.api_calls) == (0, 0)
    assert "off" in run.warnings

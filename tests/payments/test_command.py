"""`manage.py import_payments`."""

import pytest
from django.core.management import CommandError, call_command

from accounts_app.models import Invoice
from integration.models.connection import PaymentSync
from tests.exports.conftest import make_customer, make_invoice
from tests.payments.conftest import exported, fresh


def test_the_command_imports_and_reports_the_counts(paying, sandbox, capsys):
    invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 250.0)

    call_command("import_payments")

    assert "Sandbox: Done; checked 1, paid 1" in capsys.readouterr().out
    assert fresh(invoice).state == Invoice.State.PAID


def test_a_failed_import_makes_the_command_fail_without_showing_tokens(paying, sandbox, capsys):
    exported(paying, sandbox)
    sandbox.revoke()

    with pytest.raises(CommandError):
        call_command("import_payments", connection=paying.pk)

    output = capsys.readouterr().out
    assert "Failed" in output and "401" in output
    assert sandbox.grant_token not in output


def test_an_unknown_connection_is_refused(db):
    with pytest.raises(CommandError, match="No connection is named or numbered '999'"):
        call_command("import_payments", connection=999)


def test_a_connection_with_payment_sync_off_is_refused_with_the_fix(paying):
    paying.payment_sync = PaymentSync.OFF
    paying.save()
    with pytest.raises(CommandError, match="turn payment sync on"):
        call_command("import_payments", connection="Sandbox")


def test_an_invoice_that_needs_a_person_makes_the_command_exit_1(paying, sandbox, capsys):
    _invoice, number = exported(
        paying, sandbox, make_invoice(customer=make_customer(currency="EUR"))
    )  # e-conomic's copy is in DKK: the payment is one only a person can place
    sandbox.register_payment(number, 100.0)

    with pytest.raises(CommandError, match="some invoices need a person"):
        call_command("import_payments", connection="Sandbox")

    assert "needs a person:" in capsys.readouterr().out

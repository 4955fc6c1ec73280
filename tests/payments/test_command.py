"""`manage.py import_payments`."""

import pytest
from django.core.management import CommandError, call_command

from accounts_app.models import Invoice
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
    with pytest.raises(CommandError, match="No active connection 999"):
        call_command("import_payments", connection=999)

"""The demo's connection: set up against the sandbox, it passes the setup check."""
import pytest
from django.core.management import call_command

from accounts_app.models import Invoice
from integration.models import CustomerLink, VatCodePairing
from integration.services.demo import demo_connection_setup
from integration.services.exports import export_run_start
from integration.services.setup_check import setup_check


def test_the_demo_connection_is_ready_to_export(sandbox_connection, sandbox, settings):
    settings.LEDGER_SELLER_NAME = "Nordlys Consulting ApS"
    call_command("seed_demo", anchor="2026-11-20", verbosity=0)
    setup = demo_connection_setup(grant_token=sandbox.grant_token)
    assert setup.ready, setup.message
    report = setup_check(connection=setup.connection)
    assert report.blockers == [], report.summary()
    assert VatCodePairing.objects.filter(connection=setup.connection).count() == 3
    again = demo_connection_setup(grant_token=sandbox.grant_token)
    assert again.connection == setup.connection
    assert CustomerLink.objects.filter(connection=setup.connection).count() == CustomerLink.objects.count()


@pytest.mark.parametrize("method", ["draft", "booked", "voucher"])
def test_every_demo_invoice_can_go_by_every_method(sandbox_connection, sandbox, settings, method):
    settings.LEDGER_SELLER_NAME = "Nordlys Consulting ApS"
    call_command("seed_demo", anchor="2026-11-20", verbosity=0)
    connection = demo_connection_setup(grant_token=sandbox.grant_token).connection
    issued = Invoice.objects.exclude(state=Invoice.State.DRAFT)
    run = export_run_start(connection=connection, invoices=issued, method=method, dry_run=True)
    assert run.report["setup_blockers"] == []
    blocked = [entry for entry in run.report["invoices"] if entry["blockers"]]
    assert blocked == [] and len(run.report["invoices"]) == issued.count() > 150

"""The demo's connection: set up against the sandbox, it passes the setup check."""
from collections import defaultdict

import pytest
from django.core.management import call_command

from accounts_app.models import Invoice
from integration.models import CustomerLink, InvoiceExport, VatCodePairing
from integration.services.demo import demo_connection_setup
from integration.services.exports import export_process, export_run_refresh, export_run_start
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


# Every demo invoice as a voucher (four calls); as drafts and booked invoices a call or two each,
# so the first three of each VAT situation and currency the demo has.
@pytest.mark.parametrize(("method", "each"), [("voucher", None), ("draft", 3), ("booked", 3)])
def test_the_demo_invoices_export_by_every_method_with_economics_totals_ours(
    sandbox_connection, sandbox, settings, method, each
):
    settings.LEDGER_SELLER_NAME = "Nordlys Consulting ApS"
    call_command("seed_demo", anchor="2026-11-20", verbosity=0)
    connection = demo_connection_setup(grant_token=sandbox.grant_token).connection
    connection.include_pdf = False  # the PDF is not what this proves, and it costs a call each
    connection.save()
    issued = Invoice.objects.exclude(state=Invoice.State.DRAFT).select_related("customer")
    kinds = defaultdict(list)
    for invoice in issued.order_by("number"):
        kinds[invoice.customer.vat_situation, invoice.currency].append(invoice.pk)
    assert {situation for situation, _ in kinds} == {"domestic", "eu_reverse_charge", "abroad"}
    chosen = Invoice.objects.filter(pk__in=[pk for pks in kinds.values() for pk in pks[:each]])
    run = export_run_start(connection=connection, invoices=chosen, method=method)
    export_process(connection=connection, run=run)
    run = export_run_refresh(run=run)
    failures = list(run.jobs.exclude(state="done").values_list("last_error", flat=True)[:3])
    assert (run.done, run.failed) == (chosen.count(), 0), failures
    exports = InvoiceExport.objects.filter(connection=connection)
    assert exports.exists()
    # Every draft e-conomic priced came to our figures to the cent (each job compares them).
    assert not exports.exclude(vat_difference=None).exclude(vat_difference=0).exists()

"""`manage.py export_invoices`: a date range or numbers, a progress bar, a dry run."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from integration.models import ExportRun, InvoiceExport
from tests.exports.conftest import drafts_with, make_customer, make_invoice, reference_of


def _run(*args) -> str:
    out = StringIO()
    call_command("export_invoices", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_exports_the_invoices_in_a_date_range_with_two_workers(exporting, sandbox):
    today = datetime.date.today()
    customer = make_customer()
    inside = [make_invoice(customer) for _ in range(4)]
    outside = make_invoice(customer, issue_date=today - datetime.timedelta(days=40))
    since = (today - datetime.timedelta(days=5)).isoformat()
    output = _run("--since", since, "--connection", "Sandbox", "--workers", "2")
    assert "4 exported, 0 need attention, of 4." in output
    for invoice in inside:
        assert len(drafts_with(sandbox, reference_of(invoice))) == 1
    assert drafts_with(sandbox, reference_of(outside)) == []
    assert _run("--since", since) == "No invoice to export.\n"  # exported ones are left out


def test_a_dry_run_prints_what_would_be_sent_and_sends_nothing(exporting, sandbox):
    invoice = make_invoice()
    since = sandbox.last_request_id()
    output = _run("--invoice", str(invoice.number), "--dry-run")
    assert f"{invoice} as draft:" in output and "product 1: Consulting 1 2.00 x 100.00" in output
    assert "Dry run: nothing was sent" in output
    assert sandbox.request_log(since) == [] and not InvoiceExport.objects.exists()


def test_blockers_stop_the_command_with_the_fix(exporting, sandbox):
    invoice = make_invoice(make_customer(zip_code=""))
    with pytest.raises(CommandError, match="Fill in zip code on customer"):
        _run("--invoice", str(invoice.number))
    assert not ExportRun.objects.exists()


def test_a_wrong_date_is_explained(exporting):
    with pytest.raises(CommandError, match="write it as YYYY-MM-DD"):
        _run("--since", "1/2/2026")

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


@pytest.mark.django_db(transaction=True)
def test_an_invoice_that_fails_makes_the_command_exit_1_with_its_reason(exporting, sandbox):
    invoice = make_invoice()
    sandbox.revoke()  # the run starts from the cache; every call to e-conomic is then refused
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 1 invoices need a person") as raised:
        call_command("export_invoices", "--invoice", str(invoice.number),
                     "--connection", str(exporting.pk), stdout=out, stderr=StringIO())  # fmt: skip
    assert raised.value.returncode == 1
    assert "0 exported, 1 need attention, of 1." in out.getvalue()
    assert "refused the tokens" in out.getvalue()


def test_a_dry_run_with_a_refused_invoice_exits_1_naming_the_fix(exporting, sandbox):
    blocked = make_invoice(make_customer(zip_code=""))
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 1 invoices would be refused"):
        call_command("export_invoices", "--invoice", str(blocked.number), "--dry-run",
                     stdout=out, stderr=StringIO())  # fmt: skip
    assert "Fill in zip code on customer" in out.getvalue()


def test_the_connection_is_chosen_by_name_or_id_and_a_wrong_one_lists_the_valid(exporting):
    make_invoice()
    for choice in ("Sandbox", str(exporting.pk)):
        assert "Dry run: nothing was sent" in _run("--dry-run", "--connection", choice)
    with pytest.raises(CommandError, match=rf"give --connection one of: Sandbox \(id {exporting.pk}\)"):
        _run("--dry-run", "--connection", "Sandbx")

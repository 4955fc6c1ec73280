"""A run's own method is what the checks check: a run overridden to the voucher method on a
connection without a usable journal is refused before anything is written, and a voucher job
whose journal went away since fails with the fix instead of stopping its worker."""

import pytest

from accounts_app.models import Invoice
from integration.models import CustomerLink, ExportJob, ExportRun, JobState
from integration.models.mappings import CustomerLinkState
from integration.services.exports import export_process, export_run_refresh, export_run_start
from integration.services.setup_check import SetupBlocked, setup_check
from tests.exports.conftest import make_customer, make_invoice, remote_writes


def _linked_invoice(connection) -> Invoice:
    customer = make_customer()
    CustomerLink.objects.create(connection=connection, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    return make_invoice(customer)


def test_a_voucher_run_without_a_journal_is_refused_before_anything_is_written(
    exporting, sandbox
):
    exporting.voucher_journal_number = 77  # e-conomic has no journal 77
    exporting.save()
    invoice = _linked_invoice(exporting)
    since = sandbox.last_request_id()
    with pytest.raises(SetupBlocked, match="Journal 77 does not exist in e-conomic"):
        export_run_start(
            connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk), method="voucher"
        )
    assert not ExportRun.objects.exists() and not ExportJob.objects.exists()
    assert remote_writes(sandbox, since) == []


def test_the_setup_check_of_the_connections_own_method_does_not_ask_for_a_journal(exporting):
    exporting.voucher_journal_number = 77
    exporting.save()
    assert "journal_missing" not in {finding.code for finding in setup_check(connection=exporting).findings}


def test_a_voucher_dry_run_names_the_missing_journal(exporting):
    exporting.voucher_journal_number = 77
    exporting.save()
    invoice = _linked_invoice(exporting)
    run = export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk), method="voucher",
        dry_run=True,
    )  # fmt: skip
    assert any("Journal 77 does not exist" in blocker for blocker in run.report["setup_blockers"])
    [entry] = run.report["invoices"]
    assert any("Journal 77 does not exist" in blocker for blocker in entry["blockers"])


def test_a_voucher_job_whose_journal_went_away_fails_with_the_fix(exporting, sandbox):
    exporting.voucher_journal_number = 1
    exporting.save()
    invoice = _linked_invoice(exporting)
    run = export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk), method="voucher"
    )
    exporting.voucher_journal_number = 77  # changed after the run started
    exporting.save()
    since = sandbox.last_request_id()
    export_process(connection=exporting, run=run)
    job = ExportJob.objects.get(run=run, object_id=invoice.pk)
    assert job.state == JobState.FAILED and job.error_kind == "configuration"
    assert "Journal 77 does not exist" in job.last_error and "Fix: Choose an existing journal" in job.last_error
    assert remote_writes(sandbox, since) == []
    assert export_run_refresh(run=run).failed == 1

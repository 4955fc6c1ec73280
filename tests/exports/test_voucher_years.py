"""Vouchers go into the accounting year that holds the invoice date, as e-conomic names it,
also when the agreement's years do not follow the calendar ("2025/2026")."""

import datetime

import pytest

from accounts_app.models import Invoice
from integration.models import Connection, CustomerLink, ExportJob, RemoteRecord
from integration.models.mappings import CustomerLinkState
from integration.models.reference import RemoteKind
from integration.services.connections import connection_client, connection_test
from integration.services.exports import export_process, export_run_refresh, export_run_start
from integration.services.reference import reference_refresh
from integration.services.setup_check import SetupBlocked
from tests.exports.conftest import make_customer, make_invoice, remote_writes


def _current_split_year() -> int:
    """The calendar year the open split year (July to June) holding today starts in."""
    today = datetime.date.today()
    return today.year if today.month >= 7 else today.year - 1


@pytest.fixture
def split_years(exporting, sandbox):
    """`exporting`, moved to an agreement whose accounting years run July to June."""
    agreement = sandbox.create_agreement(grantToken="split-years", yearStartMonth=7)
    Connection.objects.filter(pk=exporting.pk).update(
        export_method="voucher", voucher_journal_number=1
    )
    exporting.refresh_from_db()
    exporting.grant_token = "split-years"
    exporting.save()
    assert connection_test(connection=exporting), exporting.test_error
    assert exporting.agreement_number == agreement["agreementNumber"]
    reference_refresh(connection=exporting, client=connection_client(connection=exporting))
    customer = make_customer()
    CustomerLink.objects.create(connection=exporting, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    return customer


def _vouchers(sandbox) -> list[dict]:
    session = sandbox.session_for("split-years")
    return session.get(sandbox.url("/journals/1/vouchers")).json()["collection"]


def test_an_invoice_from_january_goes_into_the_year_that_began_in_july(
    exporting, split_years, sandbox
):
    first = _current_split_year()
    invoice = make_invoice(split_years, issue_date=datetime.date(first + 1, 1, 15))
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    export_process(connection=exporting, run=run)
    assert export_run_refresh(run=run).done == 1
    [voucher] = _vouchers(sandbox)
    assert voucher["accountingYear"]["year"] == f"{first}/{first + 1}"
    assert ExportJob.objects.get(object_id=invoice.pk).voucher_year == f"{first}/{first + 1}"


def test_the_dry_run_names_the_split_year_each_voucher_goes_into(exporting, split_years):
    first = _current_split_year()
    autumn = make_invoice(split_years, issue_date=datetime.date(first, 9, 1))
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=autumn.pk),
                           dry_run=True)  # fmt: skip
    [entry] = run.report["invoices"]
    assert entry["blockers"] == [] and entry["accounting_year"] == f"{first}/{first + 1}"


def test_a_date_in_no_known_year_is_named_in_the_dry_run_and_refused(
    exporting, split_years, sandbox
):
    long_ago = datetime.date(_current_split_year() - 5, 3, 1)
    invoice = make_invoice(split_years, issue_date=long_ago)
    since = sandbox.last_request_id()
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk),
                           dry_run=True)  # fmt: skip
    [entry] = run.report["invoices"]
    assert any(f"dated {long_ago.isoformat()}, in no accounting year" in blocker
               for blocker in entry["blockers"])  # fmt: skip
    with pytest.raises(SetupBlocked, match=f"dated {long_ago.isoformat()}"):
        export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    assert sandbox.request_log(since) == [] and not ExportJob.objects.exists()


def test_a_year_gone_from_the_cache_after_the_run_began_fails_the_job_unsent(
    exporting, split_years, sandbox
):
    first = _current_split_year()
    invoice = make_invoice(split_years, issue_date=datetime.date(first, 10, 1))
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    RemoteRecord.objects.filter(
        connection=exporting, kind=RemoteKind.ACCOUNTING_YEAR, number=f"{first}/{first + 1}"
    ).delete()
    since = sandbox.last_request_id()
    export_process(connection=exporting, run=run)
    job = ExportJob.objects.get(object_id=invoice.pk)
    assert (job.state, job.error_kind) == ("failed", "configuration")
    assert "in no accounting year e-conomic has" in job.last_error
    assert remote_writes(sandbox, since) == [] and _vouchers(sandbox) == []

"""What e-conomic books is what our ledger says: predicted before anything is sent (per invoice
and per VAT code, for either way e-conomic may round VAT), compared after every draft, learned
from its answers, and, for vouchers, revenue per account and VAT per code in its ledger."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest

from accounts_app.models import Invoice, SalesAccount
from accounts_app.services import invoice_create, invoice_finalize, invoice_line_add
from integration.models import ExportJob, InvoiceExport, JobState
from integration.services.exports import (
    export_job_retry,
    export_process,
    export_run_refresh,
    export_run_start,
)
from integration.services.setup_check import SetupBlocked
from tests.exports.conftest import (
    drafts_with,
    exempt_vat_code,
    make_customer,
    make_invoice,
    reference_of,
)
from tests.ledger.factories import VatCodeFactory


def _export(connection, invoice, **options):
    run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk),
                           **options)  # fmt: skip
    export_process(connection=connection, run=run)
    return export_run_refresh(run=run)


def _dry_run(connection, invoice, **options) -> dict:
    run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk),
                           dry_run=True, **options)  # fmt: skip
    [entry] = run.report["invoices"]
    return entry


def test_the_dry_run_shows_ours_beside_economics_per_vat_code(exporting, sandbox):
    invoice = make_invoice(prices=("100.00", "250.50"))
    entry = _dry_run(exporting, invoice)
    totals = entry["totals"]
    assert totals["ours"] == {"net": "701.00", "vat": "175.25", "gross": "876.25",
                              "vat_by_code": {"U25": "175.25"}}  # fmt: skip
    assert totals["economic"]["line"] == totals["economic"]["document"] == totals["ours"]
    assert totals["differences"] == {"line": {}, "document": {}}
    assert entry["blockers"] == []


def test_a_rounding_gap_between_the_two_ways_is_shown_and_is_no_blocker(exporting, sandbox):
    # Three lines of 0.02 at 25 %: 0.005 each, 0.01 a line when VAT is rounded per line (ours,
    # 0.03), 0.015 -> 0.02 when it is rounded once on the sum.
    invoice = make_invoice(prices=("0.01", "0.01", "0.01"))
    entry = _dry_run(exporting, invoice)
    assert entry["totals"]["ours"]["vat"] == "0.03"
    assert entry["totals"]["differences"] == {"line": {}, "document": {"U25": "-0.01"}}
    assert entry["blockers"] == []


def test_the_agreements_rounding_is_learned_from_its_first_answer_and_the_gap_kept(
    exporting, sandbox
):
    sandbox.set_vat_rounding("document")
    invoice = make_invoice(prices=("0.01", "0.01", "0.01"))
    run = _export(exporting, invoice)
    assert (run.done, run.failed) == (1, 0)
    exporting.refresh_from_db()
    assert exporting.vat_rounding == "document"
    export = InvoiceExport.objects.get(invoice=invoice)
    assert export.vat_difference == Decimal("-0.01")  # e-conomic 0.02, ours 0.03
    [entry] = [_dry_run(exporting, make_invoice(prices=("0.01", "0.01", "0.01")))]
    assert list(entry["totals"]["economic"]) == ["document"]  # predicted the learned way only


def test_an_agreement_that_rounds_per_line_is_learned_too(exporting, sandbox):
    sandbox.set_vat_rounding("line")
    invoice = make_invoice(prices=("0.01", "0.01", "0.01"))
    assert _export(exporting, invoice, method="booked").done == 1
    exporting.refresh_from_db()
    assert exporting.vat_rounding == "line"
    assert InvoiceExport.objects.get(invoice=invoice).vat_difference == Decimal("0.00")


def test_a_new_draft_that_is_not_ours_stays_for_a_person_and_is_named(exporting, sandbox):
    sandbox.set_account_vat_code(1010, None)  # changed in e-conomic after our refresh: unseen
    invoice = make_invoice()
    run = _export(exporting, invoice)
    job = ExportJob.objects.get(kind="invoice", object_id=invoice.pk)
    [draft] = drafts_with(sandbox, reference_of(invoice))
    assert job.state == JobState.FAILED and (run.done, run.failed) == (0, 1)
    assert f"e-conomic's draft {draft['draftInvoiceNumber']} totals 200.00 DKK gross" in job.last_error
    assert "it stands as a draft" in job.last_error
    assert not InvoiceExport.objects.filter(invoice=invoice).exists()


def test_a_retry_after_the_fix_replaces_the_stale_draft(exporting, sandbox):
    sandbox.set_account_vat_code(1010, None)
    invoice = make_invoice()
    run = _export(exporting, invoice)
    [stale] = drafts_with(sandbox, reference_of(invoice))
    sandbox.set_account_vat_code(1010, "U25")  # fixed in e-conomic; the stale draft keeps 0 %
    job = ExportJob.objects.get(kind="invoice", object_id=invoice.pk)
    assert export_job_retry(job=job)
    export_process(connection=exporting, run=run)
    assert export_run_refresh(run=run).done == 1
    [fresh] = drafts_with(sandbox, reference_of(invoice))
    assert fresh["draftInvoiceNumber"] != stale["draftInvoiceNumber"]
    assert Decimal(str(fresh["grossAmount"])) == invoice.gross_total == Decimal("250.00")
    assert InvoiceExport.objects.get(invoice=invoice).draft_number == fresh["draftInvoiceNumber"]


def _two_account_invoice(connection) -> Invoice:
    """Services at 25 % on 1010 and exempt sales on 1040, for a domestic customer."""
    customer = make_customer()
    invoice = invoice_create(customer=customer)
    for account, vat_code, price in ((1010, VatCodeFactory(), "100.00"),
                                     (1010, VatCodeFactory(), "33.33"),
                                     (1040, exempt_vat_code(connection), "80.00")):  # fmt: skip
        invoice_line_add(
            invoice=invoice, description=f"Work on {account}", quantity=Decimal("3"),
            unit_price=Decimal(price), vat_code=vat_code, sales_account=_account(account),
        )  # fmt: skip
    return invoice_finalize(invoice=invoice)


def _account(number: int) -> SalesAccount:
    return SalesAccount.objects.get_or_create(number=number, defaults={"name": f"Sales {number}"})[0]


def test_a_voucher_balances_and_books_revenue_per_account_and_vat_per_code(exporting, sandbox):
    exporting.voucher_journal_number = 1
    exporting.save()
    invoice = _two_account_invoice(exporting)
    run = _export(exporting, invoice, method="voucher")
    assert (run.done, run.failed) == (1, 0)
    entries = sandbox.get("/journals/1/entries").json()["collection"]
    mine = [entry for entry in entries if entry["customerInvoice"] == invoice.number]
    assert sorted((entry["contraAccount"]["accountNumber"], entry.get("contraVatAccount", {})
                   .get("vatCode"), entry["amount"]) for entry in mine) == [
        (1010, "U25", 499.99), (1040, None, 240.0),  # 1040 has no VAT code in e-conomic's chart
    ]  # fmt: skip
    assert sum(Decimal(str(entry["amount"])) for entry in mine) == invoice.gross_total
    # A person books the journal: the voucher balances, and e-conomic's ledger is ours.
    assert sandbox.post("/journalsapi/v15.0.0/journals/1/book").status_code == 204
    year = str(invoice.issue_date.year)
    booked = sandbox.get(f"/accounting-years/{year}/entries", params={"pagesize": 1000})
    revenue, vat = defaultdict(Decimal), defaultdict(Decimal)
    for entry in booked.json()["collection"]:
        amount = Decimal(str(entry["amount"]))
        if entry["account"]["accountNumber"] in (1010, 1040):
            revenue[entry["account"]["accountNumber"]] -= amount
        elif entry.get("vatAccount"):
            vat[entry["vatAccount"]["vatCode"]] -= amount
    assert dict(revenue) == {1010: Decimal("399.99"), 1040: Decimal("240.00")}
    assert vat["U25"] == invoice.vat_total == Decimal("100.00")
    assert datetime.date.fromisoformat(mine[0]["date"]) == invoice.issue_date


def test_with_book_vouchers_on_each_voucher_is_booked_at_once(exporting, sandbox):
    exporting.voucher_journal_number, exporting.book_vouchers = 1, True
    exporting.save()
    invoice = _two_account_invoice(exporting)
    run = _export(exporting, invoice, method="voucher")
    assert (run.done, run.failed) == (1, 0)
    job = ExportJob.objects.get(kind="invoice", object_id=invoice.pk)
    assert job.voucher_booked and job.voucher_number
    assert sandbox.get("/journals/1/entries").json()["collection"] == []  # booked: left the journal
    year = str(invoice.issue_date.year)
    booked = sandbox.get(f"/accounting-years/{year}/entries", params={"pagesize": 1000})
    revenue = defaultdict(Decimal)
    for entry in booked.json()["collection"]:
        if entry["account"]["accountNumber"] in (1010, 1040):
            revenue[entry["account"]["accountNumber"]] -= Decimal(str(entry["amount"]))
    assert dict(revenue) == {1010: Decimal("399.99"), 1040: Decimal("240.00")}





@pytest.mark.parametrize("fault", ["503", "drop_after_apply"])
def test_a_voucher_whose_booking_failed_or_lost_its_answer_is_booked_once(
    exporting, sandbox, fault
):
    exporting.voucher_journal_number, exporting.book_vouchers = 1, True
    exporting.save()
    invoice = _two_account_invoice(exporting)
    sandbox.set_faults(script=[{"fault": fault, "method": "POST", "path": "/journalsapi"}])
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk),
                           method="voucher")  # fmt: skip
    for _ in range(3):  # the first attempt's booking fails; a later one finishes the job
        export_process(connection=exporting, run=run)
    job = ExportJob.objects.get(kind="invoice", object_id=invoice.pk)
    assert job.state == JobState.DONE and job.voucher_booked
    posts = sandbox.request_log(0, method="POST", path="/journals/1/vouchers")
    assert len(posts) == 1  # the voucher was made once; only its booking went again
    assert sandbox.get("/journals/1/entries").json()["collection"] == []
    assert export_run_refresh(run=run).done == 1


def test_a_voucher_line_with_vat_on_an_account_without_a_vat_code_is_refused(exporting, sandbox):
    exporting.voucher_journal_number = 1
    exporting.save()
    invoice = invoice_create(customer=make_customer())
    invoice_line_add(invoice=invoice, description="Work", quantity=Decimal("1"),
                     unit_price=Decimal("100.00"), vat_code=VatCodeFactory(),
                     sales_account=_account(1040))  # fmt: skip
    invoice = invoice_finalize(invoice=invoice)
    since = sandbox.last_request_id()
    with pytest.raises(SetupBlocked, match="account 1040 carries VAT code none in e-conomic"):
        export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk),
                         method="voucher")  # fmt: skip
    assert sandbox.request_log(since, method="POST") == []


@pytest.mark.parametrize("method", ["draft", "booked", "voucher"])
def test_a_ledger_that_rounds_as_the_agreement_books_its_vat_to_the_cent(
    exporting, sandbox, settings, method
):
    sandbox.set_vat_rounding("document")
    settings.LEDGER_VAT_ROUNDING = "document"
    exporting.voucher_journal_number = 1
    exporting.save()
    invoice = make_invoice(prices=("0.01", "0.01", "0.01"))
    assert invoice.vat_total == Decimal("0.02")
    run = _export(exporting, invoice, method=method)
    assert (run.done, run.failed) == (1, 0)
    export = InvoiceExport.objects.get(invoice=invoice)
    if method == "voucher":
        entries = sandbox.get("/journals/1/entries").json()["collection"]
        assert sum(Decimal(str(entry["contraVatAmount"])) for entry in entries) == Decimal("0.02")
    else:
        assert export.vat_difference == Decimal("0.00")


def test_the_setup_check_warns_when_the_agreement_rounds_otherwise_than_the_ledger(
    exporting, settings
):
    from integration.services.setup_check import setup_check

    exporting.vat_rounding = "document"
    exporting.save()
    settings.LEDGER_VAT_ROUNDING = "line"
    [warning] = [f for f in setup_check(connection=exporting).warnings
                 if f.code == "vat_rounding_differs"]  # fmt: skip
    assert "LEDGER_VAT_ROUNDING=document" in warning.fix
    settings.LEDGER_VAT_ROUNDING = "document"
    assert "vat_rounding_differs" not in {f.code for f in setup_check(connection=exporting).warnings}

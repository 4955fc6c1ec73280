"""The invoice page's panel of its life in e-conomic: its documents and their state, the last
error with its fix, the payments seen there in both currencies, links to the job and the run,
read in the same few queries however many jobs the invoice has had."""

import datetime
from decimal import Decimal

from django.db import connection as database
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts_app.models import Invoice
from integration.models import CustomerLink, ExportJob
from integration.models.connection import PaymentSync
from integration.models.mappings import CustomerLinkState
from integration.selectors import invoice_economic_life
from integration.services.exports import export_process, export_run_start
from tests.exports.conftest import make_customer, make_invoice
from tests.payments.conftest import run_import
from tests.payments.test_payment_entries import exported_in_euro


def _page(client, invoice) -> str:
    answer = client.get(reverse("admin:accounts_app_invoice_change", args=[invoice.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_it_shows_the_booked_document_and_a_euro_payment_in_kroner_with_its_difference(
    admin_client, exporting, sandbox
):
    exporting.payment_sync, exporting.payments_since = PaymentSync.PARTIAL, datetime.date.today()
    exporting.save()
    invoice, number = exported_in_euro(exporting, sandbox)  # booked at 7.455
    sandbox.register_payment(number, 100.0, exchange_rate=750.0)
    run_import(exporting)

    page = _page(admin_client, invoice)

    assert f"<td>Sandbox</td><td>booked {number}</td><td>Booked</td>" in page
    assert '<td class="amount">EUR 100.00</td><td class="amount">DKK 750.00</td>' in page
    assert '<td class="amount">DKK 4.50</td><td>Cash payment</td><td>Active</td>' in page


def test_it_shows_the_last_error_with_its_fix_and_links_the_job_and_the_run(
    admin_client, exporting, sandbox
):
    invoice = make_invoice()
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    sandbox.revoke()
    export_process(connection=exporting, run=run)
    job = ExportJob.objects.get(kind="invoice")

    page = _page(admin_client, invoice)

    assert "Not in e-conomic yet." in page
    assert job.last_error.split()[0] in page and "Fix: Correct" in page
    job_url = reverse("admin:integration_exportjob_change", args=[job.pk])
    run_url = reverse("admin:integration_exportrun_change", args=[run.pk])
    assert f'<a href="{job_url}">Job {job.pk}</a>' in page
    assert f'<a href="{run_url}">Run {run.pk}</a>' in page


def test_a_draft_in_economic_says_it_waits_to_be_booked(admin_client, exporting, sandbox):
    invoice = make_invoice()
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    export_process(connection=exporting, run=run)
    job = ExportJob.objects.get(kind="invoice")

    page = _page(admin_client, invoice)

    assert f"<td>draft {job.draft_number}</td><td>Draft, not booked yet" in page
    assert "Last error" not in page and "No payment seen in e-conomic yet." in page


def _queries(invoice) -> int:
    with CaptureQueriesContext(database) as queries:
        invoice_economic_life(invoice=invoice)
    return len(queries)


def _page_queries(client, invoice) -> int:
    with CaptureQueriesContext(database) as queries:
        _page(client, invoice)
    return len(queries)


def test_the_panel_reads_the_same_queries_however_many_jobs(admin_client, exporting, sandbox):
    invoice = make_invoice()
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    export_process(connection=exporting, run=run)
    job = ExportJob.objects.get(kind="invoice")
    one, page_with_one = _queries(invoice), _page_queries(admin_client, invoice)
    for revision in range(2, 7):
        ExportJob.objects.create(
            connection=exporting, run=run, kind="invoice", object_id=invoice.pk,
            revision=revision, key=f"{job.key}-{revision}", reference=job.reference,
            not_before=job.not_before, last_error="e-conomic refused it.",
            vat_difference=Decimal("0.01"),
        )  # fmt: skip

    assert len(invoice_economic_life(invoice=invoice).jobs) == 6
    assert _queries(invoice) == one <= 3
    assert _page_queries(admin_client, invoice) == page_with_one


def test_a_voucher_says_it_waits_in_the_journal_with_its_year(admin_client, exporting, sandbox):
    exporting.export_method, exporting.voucher_journal_number = "voucher", 1
    exporting.save()
    customer = make_customer()
    CustomerLink.objects.create(connection=exporting, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    invoice = make_invoice(customer)
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    export_process(connection=exporting, run=run)
    job = ExportJob.objects.get(kind="invoice")
    assert job.voucher_number and not job.voucher_booked

    page = _page(admin_client, invoice)

    assert (f"<td>voucher {job.voucher_number} ({job.voucher_year})</td>"
            "<td>In the journal, waiting to be booked there</td>") in page  # fmt: skip

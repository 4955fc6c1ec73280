"""A run's page in words: a dry run as a table per invoice (lines, product, account, VAT code,
ours beside e-conomic's predicted totals, blockers) with a CSV of the same table; a run lists
every invoice of the selection it left out, with why and what to do."""

import csv
import io
from decimal import Decimal

from django.urls import reverse

from accounts_app.models import Invoice
from accounts_app.services import invoice_create, invoice_finalize, invoice_line_add
from integration.models import ExportRun
from integration.services.exports import export_process, export_run_start
from tests.exports.conftest import make_customer, make_invoice
from tests.ledger.factories import VatCodeFactory

CHANGELIST = "admin:accounts_app_invoice_changelist"


def _run_page(client, run) -> str:
    answer = client.get(reverse("admin:integration_exportrun_change", args=[run.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def _csv(client, run) -> list[list[str]]:
    answer = client.get(reverse("admin:integration_exportrun_dry_run_csv", args=[run.pk]))
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def _discounted_invoice(description: str) -> Invoice:
    """3 × 153.44 at 10 % discount, 25 % VAT: 414.29 net (ADDENDUM §1)."""
    invoice = invoice_create(customer=make_customer(name="Acme ApS"))
    invoice_line_add(
        invoice=invoice, description=description, quantity=Decimal("3"),
        unit_price=Decimal("153.44"), discount_percent=Decimal("10"), vat_code=VatCodeFactory(),
    )  # fmt: skip
    return invoice_finalize(invoice=invoice)


def _dry_run(connection, *invoices) -> ExportRun:
    chosen = Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices])
    return export_run_start(connection=connection, invoices=chosen, dry_run=True)


def test_a_dry_run_is_a_table_per_invoice_with_ours_beside_economics_totals(
    admin_client, exporting, sandbox
):
    invoice = _discounted_invoice("Consulting, March")
    page = _run_page(admin_client, _dry_run(exporting, invoice))

    assert f"<h2>{invoice}: new e-conomic customer for" in page
    assert "layout 19, payment terms 2, VAT zone 1" in page
    assert ('<tr><td>1</td><td>Consulting, March</td><td class="amount">3</td>'
            '<td class="amount">DKK 153.44</td><td class="amount">10 %</td><td>1</td>'
            '<td>1010</td><td>U25</td><td class="amount">DKK 414.29</td>'
            '<td class="amount">DKK 103.57</td></tr>') in page  # fmt: skip
    assert ('<tr><th>Ours</th><td class="amount">DKK 414.29</td><td class="amount">DKK 103.57'
            '</td><td>U25 DKK 103.57</td><td class="amount">DKK 517.86</td>') in page  # fmt: skip
    assert "<th>e-conomic, VAT rounded per line</th>" in page
    assert "Nothing was sent to e-conomic." in page and "&quot;vat_by_code&quot;" not in page


def test_a_blocked_invoice_in_a_dry_run_shows_its_blockers_in_words(
    admin_client, exporting, sandbox
):
    invoice = make_invoice(make_customer(city=""))
    page = _run_page(admin_client, _dry_run(exporting, invoice))

    assert "Would be refused:" in page
    assert f"Fill in city on customer {invoice.customer.number}" in page


def test_the_dry_run_csv_is_the_same_table_with_formula_cells_escaped(
    admin_client, exporting, sandbox
):
    invoice = _discounted_invoice('=HYPERLINK("http://evil.example")')
    blocked = make_invoice(make_customer(city=""))
    run = _dry_run(exporting, invoice, blocked)

    rows = _csv(admin_client, run)

    assert rows[0][:4] == ["Invoice", "Customer", "Row", "Description"]
    line = rows[1]
    assert line[0] == str(invoice) and line[2] == "1"
    assert line[3] == "'=HYPERLINK(\"http://evil.example\")"  # shown as text, never run
    assert line[4:12] == ["3.00", "153.44", "10.00", "1", "1010", "U25", "414.29", "103.57"]
    ours = next(row for row in rows if row[0] == str(invoice) and row[2] == "Ours")
    assert ours[10:14] == ["414.29", "103.57", "517.86", "DKK"]
    refused = [row for row in rows if row[0] == str(blocked)]
    assert refused and all(row[2] == "Blocked" for row in refused)
    assert any(f"Fill in city on customer {blocked.customer.number}" in row[15] for row in refused)


def test_a_run_has_no_dry_run_csv(admin_client, exporting, sandbox):
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(
        pk=make_invoice().pk))  # fmt: skip
    answer = admin_client.get(reverse("admin:integration_exportrun_dry_run_csv", args=[run.pk]))
    assert answer.status_code == 404


def test_a_run_lists_the_drafts_and_exported_invoices_it_left_out_with_why(
    admin_client, exporting, sandbox
):
    exporting.export_method = "booked"
    exporting.save()
    booked = make_invoice()
    export_process(connection=exporting, run=export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk=booked.pk)))  # fmt: skip
    booked_number = booked.economic_exports.get().booked_number
    draft = invoice_create(customer=make_customer())
    fresh = make_invoice()

    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(
        pk__in=[booked.pk, draft.pk, fresh.pk]))  # fmt: skip
    page = _run_page(admin_client, run)

    assert run.total == 1 and list(run.jobs.filter(kind="invoice").values_list(
        "object_id", flat=True)) == [fresh.pk]  # fmt: skip
    assert "2 invoices left out of this run" in page
    booked_url = reverse("admin:accounts_app_invoice_change", args=[booked.pk])
    assert f'<a href="{booked_url}">{booked} ({booked.customer.name})</a>' in page
    assert f"<td>already booked as {booked_number}.</td>" in page
    assert "<td>is a draft.</td><td>Finalize it before exporting.</td>" in page


def test_with_leave_out_blocked_the_others_go_and_the_blocked_one_says_why(
    client, clerk, exporting, sandbox
):
    client.force_login(clerk)
    good, blocked = make_invoice(), make_invoice(make_customer(city=""))
    client.post(reverse(CHANGELIST), {
        "action": "export_to_economic", "_selected_action": [good.pk, blocked.pk],
        "confirm": "yes", "connection": exporting.pk, "method": "draft",
        "leave_out_blocked": "on",
    })  # fmt: skip
    run = ExportRun.objects.get()

    page = _run_page(client, run)

    assert run.total == 1
    assert "1 invoice left out of this run" in page
    assert f"{blocked} ({blocked.customer.name})</a>" in page
    assert f"Fill in city on customer {blocked.customer.number}" in page


def test_without_leave_out_blocked_one_blocked_invoice_still_stops_the_run(
    client, clerk, exporting, sandbox
):
    client.force_login(clerk)
    good, blocked = make_invoice(), make_invoice(make_customer(city=""))
    page = client.post(reverse(CHANGELIST), {
        "action": "export_to_economic", "_selected_action": [good.pk, blocked.pk],
        "confirm": "yes", "connection": exporting.pk, "method": "draft",
    })  # fmt: skip
    assert "Nothing was exported" in page.content.decode() and not ExportRun.objects.exists()


def test_a_run_page_carries_what_its_script_needs_to_follow_the_run_to_its_end(
    admin_client, exporting, sandbox
):
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(
        pk=make_invoice().pk))  # fmt: skip
    page = _run_page(admin_client, run)

    status_url = reverse("admin:integration_exportrun_status", args=[run.pk])
    assert f'data-status-url="{status_url}"' in page and 'data-finished="false"' in page
    assert 'data-text="{state}: {done} done, {failed} failed of {total}."' in page
    assert '<p id="export-text">Queued: 0 done, 0 failed of 1.</p>' in page
    assert "export_progress.js" in page and "<script>" not in page  # no inline script (CSP)
    assert "left out of this run" not in page

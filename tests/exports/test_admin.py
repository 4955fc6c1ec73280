"""The export screens: the dialog on the invoice list, the run page and its progress endpoint,
the jobs that need a person and their Retry action."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from accounts_app.models import Invoice
from integration.models import ExportJob, ExportRun, JobState, RemoteRecord
from integration.models.reference import RemoteKind
from integration.services.exports import export_process, export_run_refresh, export_run_start
from tests.exports.conftest import drafts_with, make_customer, make_invoice, reference_of

CHANGELIST = "admin:accounts_app_invoice_changelist"


@pytest.fixture
def clerk(db):
    # Transactional tests flush the groups the migrations made: make them again.
    for module in (
        "accounts_app.migrations.0002_finance_groups",
        "integration.migrations.0002_finance_group_permissions",
        "integration.migrations.0004_export_permissions",
    ):
        migration = importlib.import_module(module)
        grant = getattr(migration, "grant", None) or migration.create_finance_groups
        grant(django_apps, schema_editor=None)
    user = User.objects.create_user("clerk", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Finance clerk"))
    return user


def _action(client, invoices, **fields):
    data = {"action": "export_to_economic", "_selected_action": [i.pk for i in invoices], **fields}
    return client.post(reverse(CHANGELIST), data)


def _record(connection, kind, number):
    return RemoteRecord.objects.get(connection=connection, kind=kind, number=str(number)).pk


def test_the_dialog_offers_economics_layouts_terms_and_zones(client, clerk, exporting):
    client.force_login(clerk)
    page = _action(client, [make_invoice()])
    html = page.content.decode()
    assert page.status_code == 200
    assert "DK. std. m. bankoplys. 1.5" in html and "Netto 14 dage" in html and "Domestic" in html


def test_confirming_starts_a_run_with_the_chosen_layout(client, clerk, exporting, sandbox):
    client.force_login(clerk)
    invoice = make_invoice()
    answer = _action(client, [invoice], confirm="yes", connection=exporting.pk, method="draft",
                     layout=_record(exporting, RemoteKind.LAYOUT, 20))  # fmt: skip
    run = ExportRun.objects.get()
    assert answer.status_code == 302
    assert answer.url == reverse("admin:integration_exportrun_change", args=[run.pk])
    assert run.overrides == {"layout_number": 20} and run.created_by == clerk
    export_process(connection=exporting, run=run)
    [draft] = drafts_with(sandbox, reference_of(invoice))
    assert draft["layout"]["layoutNumber"] == 20


def test_blockers_are_shown_in_the_dialog_and_nothing_starts(client, clerk, exporting):
    client.force_login(clerk)
    invoice = make_invoice(make_customer(city=""))
    page = _action(client, [invoice], confirm="yes", connection=exporting.pk, method="draft")
    assert page.status_code == 200
    assert "Nothing was exported" in page.content.decode()
    assert f"Fill in city on customer {invoice.customer.number}" in page.content.decode()
    assert not ExportRun.objects.exists()


def test_a_user_without_the_export_permission_is_refused(client, exporting):
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_invoice"))
    client.force_login(viewer)
    _action(client, [make_invoice()], confirm="yes", connection=exporting.pk, method="draft")
    assert not ExportRun.objects.exists()


def test_the_run_page_follows_progress_through_its_status_endpoint(client, clerk, exporting):
    client.force_login(clerk)
    invoices = [make_invoice() for _ in range(2)]
    run = export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices])
    )
    page = client.get(reverse("admin:integration_exportrun_change", args=[run.pk]))
    assert 'id="export-bar"' in page.content.decode()
    status_url = reverse("admin:integration_exportrun_status", args=[run.pk])
    # No worker has taken it up yet: it says so, rather than running.
    assert client.get(status_url).json() | {"seconds_left": 0} == {
        "state": "queued",
        "state_label": "Queued",
        "done": 0,
        "failed": 0,
        "total": 2,
        "seconds_left": 0,
        "finished": False,
    }
    # A worker sends the first invoice (and the customer cards it waits for).
    jobs = ExportJob.objects.filter(run=run).order_by("id")
    first = jobs.filter(kind="invoice").first()
    customers = list(jobs.filter(kind="customer").values_list("pk", flat=True))
    export_process(connection=exporting, run=run, job_ids=[*customers, first.pk])
    status = client.get(status_url).json()
    assert (status["state_label"], status["done"], status["finished"]) == ("Running", 1, False)
    export_process(connection=exporting, run=run)
    status = client.get(status_url).json()
    assert (status["done"], status["state"], status["finished"]) == (2, "done", True)


def test_failed_jobs_show_their_reason_and_can_be_retried(client, clerk, exporting, sandbox):
    client.force_login(clerk)
    invoice = make_invoice()
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    sandbox.revoke()
    export_process(connection=exporting, run=run)
    job = ExportJob.objects.get(kind="customer")
    assert job.state == JobState.FAILED and "refused the tokens" in job.last_error
    page = client.get(reverse("admin:integration_exportrun_change", args=[run.pk]))
    assert "refused the tokens" in page.content.decode()
    sandbox.restore()
    client.post(reverse("admin:integration_exportjob_changelist"),
                {"action": "retry", "_selected_action": [job.pk, ExportJob.objects.get(kind="invoice").pk]})  # fmt: skip
    export_process(connection=exporting, run=run)
    assert export_run_refresh(run=run).done == 1
    assert len(drafts_with(sandbox, reference_of(invoice))) == 1


def test_the_invoice_list_shows_economics_number(client, clerk, exporting, sandbox):
    client.force_login(clerk)
    invoice = make_invoice()
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    export_process(connection=exporting, run=run)
    [draft] = drafts_with(sandbox, reference_of(invoice))
    html = client.get(reverse(CHANGELIST)).content.decode()
    job = ExportJob.objects.get(kind="invoice", object_id=invoice.pk)
    job_url = reverse("admin:integration_exportjob_change", args=[job.pk])
    assert (f'<td class="field-economic_status"><a href="{job_url}">draft '
            f'{draft["draftInvoiceNumber"]}</a></td>') in html  # fmt: skip


def test_the_invoice_list_filters_by_life_in_economic(client, clerk, exporting, sandbox):
    client.force_login(clerk)
    drafted, failed, waiting = make_invoice(), make_invoice(), make_invoice()
    export_process(connection=exporting, run=export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk=drafted.pk)))  # fmt: skip
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=failed.pk))
    sandbox.revoke()
    export_process(connection=exporting, run=run)
    sandbox.restore()

    def listed(value: str) -> set[int]:
        answer = client.get(reverse(CHANGELIST), {"economic": value})
        return {invoice.pk for invoice in answer.context["cl"].result_list}

    assert listed("draft") == {drafted.pk}
    assert listed("failed") == {failed.pk}
    assert listed("not_exported") == {waiting.pk}
    assert listed("booked") == listed("voucher") == listed("queued") == set()
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "failed</a></td>" in html and '<td class="field-economic_status">not exported</td>' in html


def test_a_dry_run_from_the_dialog_shows_what_would_be_sent(client, clerk, exporting, sandbox):
    client.force_login(clerk)
    invoice = make_invoice()
    since = sandbox.last_request_id()
    _action(
        client, [invoice], confirm="yes", connection=exporting.pk, method="booked", dry_run="on"
    )
    run = ExportRun.objects.get()
    page = client.get(reverse("admin:integration_exportrun_change", args=[run.pk])).content.decode()
    assert sandbox.request_log(since) == []
    assert f"<h2>{invoice}: new e-conomic customer for" in page
    assert "<td>Consulting 1</td>" in page and "<td>1</td><td>1010</td><td>U25</td>" in page
    csv_url = reverse("admin:integration_exportrun_dry_run_csv", args=[run.pk])
    assert f'href="{csv_url}"' in page


def test_the_jobs_list_names_the_invoice_and_customer_and_keeps_internals_on_the_job(
    client, clerk, exporting, sandbox
):
    client.force_login(clerk)
    invoice = make_invoice()
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    sandbox.revoke()
    export_process(connection=exporting, run=run)
    job = ExportJob.objects.get(kind="invoice")
    ExportJob.objects.filter(pk=job.pk).update(last_error="First line.\n" + "word " * 60)

    listing = client.get(reverse("admin:integration_exportjob_changelist")).content.decode()

    assert f"{invoice}</a>" in listing and invoice.customer.name in listing
    assert f"Customer {invoice.customer}" in listing  # the customer's own job
    run_url = reverse("admin:integration_exportrun_change", args=[run.pk])
    assert f'<a href="{run_url}">Run {run.pk}</a>' in listing
    assert "First line. word word" in listing and "word…" in listing  # one line, cut short
    assert job.key not in listing  # the Idempotency-Key is an internal
    page = client.get(reverse("admin:integration_exportjob_change", args=[job.pk])).content.decode()
    assert job.key in page and "Internals" in page and ("word " * 59).strip() in page
    assert "What to do" in page and "then select the job and Retry" in page

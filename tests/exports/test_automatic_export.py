"""Automatic export on finalization, the error digest, and a real django-q2 cluster working
through an enqueued run."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection as database

from accounts_app.models import Invoice
from accounts_app.services import invoice_create, invoice_finalize, invoice_line_add
from integration.models import ExportJob, ExportRun, JobState
from integration.tasks import export_job_task
from tests.exports.conftest import drafts_with, make_customer, make_invoice, reference_of
from tests.ledger.factories import VatCodeFactory


def _draft_invoice(customer):
    invoice = invoice_create(customer=customer)
    invoice_line_add(invoice=invoice, description="Work", quantity=1, unit_price=80,
                     vat_code=VatCodeFactory())  # fmt: skip
    return invoice


def test_finalizing_queues_the_invoice_and_its_customer_in_the_same_transaction(
    exporting, sandbox, django_capture_on_commit_callbacks
):
    exporting.auto_export = True
    exporting.save()
    invoice = _draft_invoice(make_customer())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invoice = invoice_finalize(invoice=invoice)
    assert len(callbacks) == 1  # the doorbell rings after the commit, not before
    jobs = ExportJob.objects.filter(connection=exporting).order_by("kind")
    assert [(job.kind, job.state) for job in jobs] == [
        ("customer", "pending"),
        ("invoice", "pending"),
    ]
    export_job_task(ExportJob.objects.get(kind="invoice").pk)
    assert set(ExportJob.objects.values_list("state", flat=True)) == {JobState.DONE}
    assert len(drafts_with(sandbox, reference_of(invoice))) == 1


def test_no_job_is_written_when_automatic_export_is_off(exporting):
    make_invoice()
    assert not ExportJob.objects.exists()


def test_a_finalization_that_fails_leaves_no_job(exporting):
    exporting.auto_export = True
    exporting.save()
    invoice = invoice_create(customer=make_customer())  # no lines: finalizing refuses
    with pytest.raises(Exception, match="has no lines"):
        invoice_finalize(invoice=invoice)
    assert not ExportJob.objects.exists()


def test_one_digest_per_run_names_each_invoice_and_the_fix(exporting, sandbox):
    from integration.services.alerts import alerts_digest_send
    from integration.services.exports import export_process, export_run_refresh, export_run_start

    exporting.error_email = "books@example.dk"
    exporting.save()
    invoices = [make_invoice() for _ in range(2)]
    # The account's VAT code is taken away in e-conomic after our reference data was read:
    # nothing here can see it, and e-conomic's draft comes back without the VAT ours carries.
    sandbox.set_account_vat_code(1010, None)
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices]),
                           method="booked")  # fmt: skip
    export_process(connection=exporting, run=run)
    export_run_refresh(run=run)
    export_run_refresh(run=run)
    assert alerts_digest_send(connection=exporting)
    [message] = mail.outbox
    assert message.to == ["books@example.dk"]
    assert "2 invoices need attention" in message.body
    assert f"/admin/integration/exportrun/{run.pk}/change/" in message.body
    for invoice in invoices:
        assert f"Invoice {invoice.number}" in message.body
    assert "product group whose sales account has the VAT" in message.body
    assert sandbox.grant_token not in message.body


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_qcluster_works_through_an_enqueued_run(exporting, sandbox, tmp_path):
    from integration.services.exports import export_run_start

    invoices = [make_invoice() for _ in range(3)]
    run = export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices])
    )
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"], cwd=django_settings.BASE_DIR,
        env={**os.environ, **_cluster_environment(sandbox)},
        stdout=open(tmp_path / "qcluster.log", "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while ExportRun.objects.get(pk=run.pk).finished_at is None:
            assert time.monotonic() < deadline, (tmp_path / "qcluster.log").read_text()[-3000:]
            time.sleep(0.3)
    finally:
        cluster.terminate()
        cluster.wait(timeout=30)
    run.refresh_from_db()
    assert (run.done, run.failed, run.state) == (3, 0, "done")
    for invoice in invoices:
        assert len(drafts_with(sandbox, reference_of(invoice))) == 1


def _cluster_environment(sandbox) -> dict:
    settings_dict = database.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = (f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
               f"{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}")  # fmt: skip
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": url,
        "SANDBOX_URL": sandbox.base_url, "SANDBOX_APP_SECRET_TOKEN": sandbox.app_token,
        "Q_WORKERS": "1", "LOG_LEVEL": "WARNING",
    }  # fmt: skip

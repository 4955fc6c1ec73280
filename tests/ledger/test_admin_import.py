"""The admin's import for a finance clerk: the upload queues a background task and opens a
progress page that follows a JSON status; the result lists each refused row, and a file with one
refused row imports nothing."""
import datetime
import io
import logging

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_q.brokers import get_broker

from accounts_app.models import Customer, InvoiceLine, LedgerImport
from tests.exports.conftest import queued_tasks
from tests.ledger.factories import CustomerFactory, PaymentConditionFactory, VatCodeFactory

pytestmark = pytest.mark.django_db
CUSTOMER_IMPORT_URL = reverse("admin:accounts_app_customer_import")
INVOICE_IMPORT_URL = reverse("admin:accounts_app_invoice_import")
HEADER = ("number", "kind", "name", "vat_number", "country", "currency", "payment_condition",
          "vat_situation")  # fmt: skip


@pytest.fixture(autouse=True)
def empty_broker():
    queued_tasks(get_broker())
    yield
    queued_tasks(get_broker())


def xlsx_file(*rows) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("customers.xlsx", buffer.getvalue())


def upload(client, url: str, file: SimpleUploadedFile, extension: str, capture):
    choices = client.get(url).context["form"].fields["format"].choices
    index = next(str(value) for value, label in choices if extension in str(label).lower())
    with capture(execute=True):
        return client.post(url, {"import_file": file, "format": index, "resource": "0"})


def run_queued_tasks() -> None:
    """What a worker does: take each task off the broker and call the function it names."""
    for task in queued_tasks(get_broker()):
        import_string(task["func"])(*task["args"])


def test_a_clerk_imports_customers_from_xlsx_in_the_background(
    client, clerk, django_capture_on_commit_callbacks
):
    PaymentConditionFactory(name="Net 30", days=30)
    client.force_login(clerk)
    answer = upload(client, CUSTOMER_IMPORT_URL, xlsx_file(HEADER, (601, "company", "Fjordhuset ApS",
                    "13585628", "DK", "DKK", "Net 30", "domestic")), "xlsx",
                    django_capture_on_commit_callbacks)  # fmt: skip
    ledger_import = LedgerImport.objects.get()
    assert answer.status_code == 302 and answer.url.endswith(f"/import/{ledger_import.pk}/")
    assert not Customer.objects.exists()
    status_url = f"{answer.url}status/"
    assert client.get(status_url).json()["finished"] is False

    run_queued_tasks()

    assert Customer.objects.get(number=601).name == "Fjordhuset ApS"
    assert client.get(status_url).json() == {"state": "done", "state_label": "Imported",
                                             "finished": True, "done": 1, "total": 1}  # fmt: skip
    assert "1 new, 0 updated, 0 unchanged" in client.get(answer.url).content.decode()
    # The import is the record of who brought the rows in: no audit entry per row.
    assert ledger_import.created_by == clerk
    assert not LogEntry.objects.get_for_object(Customer.objects.get(number=601)).exists()


def test_one_refused_row_imports_nothing_and_the_result_lists_it(
    client, clerk, django_capture_on_commit_callbacks
):
    PaymentConditionFactory(name="Net 30", days=30)
    client.force_login(clerk)
    file = SimpleUploadedFile("customers.csv", (
        ",".join(HEADER) + "\n"
        "602,company,Good ApS,13585628,DK,DKK,Net 30,domestic\n"
        "603,company,Bad ApS,13585627,DK,DKK,Net 30,domestic\n"
    ).encode())  # fmt: skip
    answer = upload(client, CUSTOMER_IMPORT_URL, file, "csv", django_capture_on_commit_callbacks)
    run_queued_tasks()

    page = client.get(answer.url).content.decode()
    assert "1 refusal: nothing was imported" in page
    assert "<td>2</td><td>vat_number: " in page and "not a valid VAT number for DK" in page
    assert not Customer.objects.exists()


def test_an_unexpected_error_shows_the_reason_and_logs_the_traceback(
    client, clerk, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    CustomerFactory(number=700)
    VatCodeFactory(code="S25")

    def disk_full(*args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(InvoiceLine.objects, "bulk_create", disk_full)  # a database that fails
    client.force_login(clerk)
    file = SimpleUploadedFile("lines.csv", b"invoice_reference,customer_number,line,description,"
                              b"unit_price,vat_code\nA-1,700,1,Consulting,10.00,S25\n")  # fmt: skip
    answer = upload(client, INVOICE_IMPORT_URL, file, "csv", django_capture_on_commit_callbacks)
    with caplog.at_level(logging.ERROR, logger="accounts_app.services.imports"):
        run_queued_tasks()

    page = client.get(answer.url).content.decode()
    assert "stopped on an unexpected error (logged as ledger import" in page
    assert "Traceback" not in page and "disk I/O error" not in page
    assert "Traceback" in caplog.text and "disk I/O error" in caplog.text
    assert not InvoiceLine.objects.exists()


def test_an_unreadable_file_is_a_form_error_and_queues_nothing(
    client, clerk, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    file = SimpleUploadedFile("customers.xlsx", b"not a workbook")
    answer = upload(client, CUSTOMER_IMPORT_URL, file, "xlsx", django_capture_on_commit_callbacks)
    assert answer.status_code == 200
    assert "The file cannot be read as XLSX" in answer.content.decode()
    assert not LedgerImport.objects.exists() and not queued_tasks(get_broker())


def test_the_progress_status_needs_the_view_permission(client, clerk):
    ledger_import = LedgerImport.objects.create(kind=LedgerImport.Kind.CUSTOMERS, file_name="c.csv",
                                                file_format="csv", content=b"", total_rows=1)  # fmt: skip
    status_url = reverse("admin:accounts_app_customer_import_status", args=[ledger_import.pk])
    client.force_login(User.objects.create_user("nogroup", password="pw", is_staff=True))
    assert client.get(status_url).status_code == 403
    client.force_login(clerk)
    assert client.get(status_url).json()["state"] == "pending"


def test_an_import_whose_worker_was_stopped_says_so_and_asks_for_the_file_again(client, clerk):
    started = timezone.now() - datetime.timedelta(seconds=settings.Q_CLUSTER["timeout"] + 1)
    ledger_import = LedgerImport.objects.create(kind=LedgerImport.Kind.CUSTOMERS, file_name="c.csv",
                                                file_format="csv", content=b"", total_rows=9,
                                                state="running", started_at=started)  # fmt: skip
    client.force_login(clerk)
    page_url = reverse("admin:accounts_app_customer_import_progress", args=[ledger_import.pk])
    status = client.get(f"{page_url}status/").json()
    assert (status["state"], status["finished"]) == ("stopped", True)
    assert "nothing was imported" in client.get(page_url).content.decode()


def test_a_danish_clerk_reads_the_import_and_its_refusals_in_danish(
    client, clerk, django_capture_on_commit_callbacks
):
    PaymentConditionFactory(name="Netto 30 dage", days=30)
    client.force_login(clerk)
    client.post(reverse("set_language"), {"language": "da"})
    file = SimpleUploadedFile("kunder.csv", (
        ",".join(HEADER) + "\n604,company,Nordlys ApS,,DK,DKK,30 dage,domestic\n"
    ).encode())  # fmt: skip
    answer = upload(client, CUSTOMER_IMPORT_URL, file, "csv", django_capture_on_commit_callbacks)
    assert LedgerImport.objects.get().language == "da"
    with translation.override("en"):  # a worker, in the installation's language
        run_queued_tasks()

    page = client.get(answer.url).content.decode()
    assert "1 afvisning: intet blev importeret" in page
    assert "payment_condition “30 dage” findes ikke; tilladt er: “Netto 30 dage”." in page
    assert client.get(f"{answer.url}status/").json()["state_label"] == "Afvist: intet blev importeret"

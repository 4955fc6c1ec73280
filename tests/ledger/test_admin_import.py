"""The admin's two-step import (upload, then confirm) for a finance clerk, with an XLSX file."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts_app.models import Customer
from tests.ledger.factories import PaymentConditionFactory

pytestmark = pytest.mark.django_db
IMPORT_URL = reverse("admin:accounts_app_customer_import")
PROCESS_URL = reverse("admin:accounts_app_customer_process_import")


def xlsx_file(*rows) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("customers.xlsx", buffer.getvalue())


def format_index(client, extension: str) -> str:
    choices = client.get(IMPORT_URL).context["form"].fields["format"].choices
    return next(str(value) for value, label in choices if extension in str(label).lower())


HEADER = ("number", "kind", "name", "vat_number", "country", "currency", "payment_condition",
          "vat_situation")  # fmt: skip


def test_a_clerk_imports_customers_from_xlsx_after_confirming_the_preview(client, clerk):
    PaymentConditionFactory(name="Net 30", days=30)
    client.force_login(clerk)
    upload = xlsx_file(HEADER, (601, "company", "Fjordhuset ApS", "13585628", "DK", "DKK",
                                "Net 30", "domestic"))  # fmt: skip
    preview = client.post(IMPORT_URL, {"import_file": upload, "format": format_index(client, "xlsx"),
                                       "resource": "0"})  # fmt: skip
    assert preview.status_code == 200 and not Customer.objects.exists()
    confirm = preview.context["confirm_form"].initial
    done = client.post(PROCESS_URL, confirm)
    assert done.status_code == 302
    assert Customer.objects.get(number=601).name == "Fjordhuset ApS"


def test_the_preview_shows_an_invalid_cvr_number_and_offers_no_confirmation(client, clerk):
    PaymentConditionFactory(name="Net 30", days=30)
    client.force_login(clerk)
    upload = xlsx_file(HEADER, (602, "company", "Bad ApS", "13585627", "DK", "DKK", "Net 30",
                                "domestic"))  # fmt: skip
    preview = client.post(IMPORT_URL, {"import_file": upload, "format": format_index(client, "xlsx"),
                                       "resource": "0"})  # fmt: skip
    assert "not a valid VAT number for DK" in preview.content.decode()
    assert preview.context.get("confirm_form") is None
    assert not Customer.objects.exists()

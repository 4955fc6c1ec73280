"""Voucher attachments: PDF and images, multipart, PATCH appends pages (REFERENCE §2.14)."""

import datetime

from tests.sandbox import invoice_api
from tests.sandbox.invoice_api import PDF, PNG, today, upload

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES

YEAR = str(datetime.date.today().year)


def a_voucher(api) -> str:
    body = {
        "accountingYear": {"year": YEAR},
        "entries": {
            "customerPayments": [
                {"customer": {"customerNumber": 1}, "amount": -10, "date": today()}
            ]
        },
    }
    return api.post("/journals/2/vouchers", body).json()[0]["self"]


def test_a_voucher_takes_a_pdf_and_answers_it_back(api):
    voucher = a_voucher(api)
    answer = upload(api, "POST", f"{voucher}/attachment/file", PDF)
    assert answer.status_code == 201
    assert api.get(f"{voucher}/attachment/file").content == PDF


def test_a_voucher_takes_images_and_patch_appends_pages(api):
    voucher = a_voucher(api)
    assert upload(api, "PATCH", f"{voucher}/attachment/file", PNG, "a.png").status_code == 200
    upload(api, "PATCH", f"{voucher}/attachment/file", PDF)
    metadata = api.get(f"{voucher}/attachment").json()
    assert metadata["pages"] == 2
    combined = api.get(f"{voucher}/attachment/file")
    assert combined.headers["Content-Type"] == "application/pdf"
    assert combined.content.startswith(b"%PDF-")


def test_a_voucher_refuses_other_file_types(api):
    voucher = a_voucher(api)
    assert (
        upload(api, "POST", f"{voucher}/attachment/file", b"PK\x03\x04zip", "a.zip").status_code
        == 415
    )


def test_deleting_a_voucher_attachment_removes_the_whole_file(api):
    voucher = a_voucher(api)
    upload(api, "POST", f"{voucher}/attachment/file", PDF)
    assert api.delete(f"{voucher}/attachment/file").status_code == 204
    assert "file" not in api.get(f"{voucher}/attachment").json()
    assert api.delete(f"{voucher}/attachment/file").status_code == 404


def test_an_attachment_for_an_unknown_voucher_is_404(api):
    path = f"/journals/2/vouchers/{YEAR}-59998/attachment/file"
    assert upload(api, "POST", path, PDF).status_code == 404

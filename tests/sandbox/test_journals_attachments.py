"""Attachments: draft invoices (PDF only) and vouchers (PDF and images), multipart, 9 MB
(REFERENCE §2.12, §2.14)."""

import datetime

from economic_sandbox.resources.documents import build_pdf
from tests.sandbox import invoice_api
from tests.sandbox.invoice_api import today

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES

PDF = build_pdf(["Attached page"])
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
YEAR = str(datetime.date.today().year)


def upload(api, method: str, path: str, content: bytes, name: str = "file.pdf"):
    return api.request(method, path, files={"file": (name, content)})


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


def test_a_draft_attachment_upload_answers_201_and_the_file_comes_back(api):
    draft = api.create_draft()
    answer = upload(api, "POST", f"{draft['attachment']}/file", PDF)
    assert answer.status_code == 201
    assert answer.json()["pages"] == 1
    assert api.get(f"{draft['attachment']}/file").content == PDF
    assert api.get(draft["attachment"]).json()["file"] == f"{draft['attachment']}/file"


def test_a_draft_attachment_must_be_a_pdf(api):
    draft = api.create_draft()
    answer = upload(api, "POST", f"{draft['attachment']}/file", PNG, "scan.pdf")
    assert answer.status_code == 415


def test_a_draft_attachment_over_9_mb_is_refused(api):
    draft = api.create_draft()
    big = PDF + b"0" * (9 * 1024 * 1024)
    assert upload(api, "POST", f"{draft['attachment']}/file", big).status_code == 413


def test_an_attachment_sent_as_json_is_refused(api):
    draft = api.create_draft()
    assert api.post(f"{draft['attachment']}/file", {"file": "x"}).status_code == 400


def test_deleting_a_draft_attachment_is_204_then_404(api):
    draft = api.create_draft()
    upload(api, "POST", f"{draft['attachment']}/file", PDF)
    assert api.delete(f"{draft['attachment']}/file").status_code == 204
    assert api.delete(f"{draft['attachment']}/file").status_code == 404
    assert api.get(f"{draft['attachment']}/file").status_code == 404


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

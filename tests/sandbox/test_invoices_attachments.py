"""Draft-invoice attachments: one PDF, multipart, at most 9 MB; DELETE 204 then 404
(REFERENCE §2.12)."""

from tests.sandbox import invoice_api
from tests.sandbox.invoice_api import PDF, PNG, upload

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES


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

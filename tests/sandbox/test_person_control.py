"""A person's edits through the control API: outside the REST API (not logged, not counted),
and bad input answered 400 or 404 with the reason."""

import requests

from tests.sandbox.invoice_api import a_draft


def person(sandbox, method: str, path: str, body=None) -> requests.Response:
    url = sandbox.url(f"/_sandbox/agreements/{sandbox.agreement_number}{path}")
    return sandbox.control.request(method, url, json=body, timeout=10)


def test_a_re_priced_line_changes_the_totals_and_no_call_is_logged(sandbox):
    draft = sandbox.post("/invoices/drafts", json=a_draft()).json()
    since = sandbox.last_request_id()
    answer = person(sandbox, "PUT", f"/drafts/{draft['draftInvoiceNumber']}/lines/1",
                    {"unitNetPrice": draft["lines"][0]["unitNetPrice"] * 2})  # fmt: skip
    assert answer.status_code == 200
    assert answer.json()["netAmount"] == draft["netAmount"] * 2
    assert sandbox.request_log(since) == []


def test_bad_edits_are_refused_with_the_reason(sandbox):
    number = sandbox.post("/invoices/drafts", json=a_draft()).json()["draftInvoiceNumber"]
    priced = person(sandbox, "PUT", f"/drafts/{number}/lines/1", {"unitNetPrice": "a lot"})
    assert priced.status_code == 400 and "unitNetPrice" in priced.text
    assert person(sandbox, "PUT", f"/drafts/{number}/lines/9", {"quantity": 1}).status_code == 404
    assert person(sandbox, "POST", "/drafts/99999/book").status_code == 404
    renamed = person(sandbox, "PUT", "/customers/1", {"balance": "0"})
    assert renamed.status_code == 400 and "name" in renamed.text
    assert person(sandbox, "PUT", "/customers/1", [{"name": "x"}]).status_code == 400

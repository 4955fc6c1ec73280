"""A small client for the sandbox tests of invoices, journals, projects and payments: the
agreement's headers on every call, and builders for the documents those tests post."""

from __future__ import annotations

import datetime

import pytest
import requests

from economic_sandbox.resources.documents import build_pdf
from economic_sandbox.seed import APP_SECRET_TOKEN

WITH_PROJECTS = ("sandbox-grant-1", 9000001)  # seed: projects module on
WITHOUT_PROJECTS = ("sandbox-grant-2", 9000002)  # seed: projects module off


class Api:
    def __init__(self, base_url: str, grant_token: str, agreement_number: int):
        self.base_url = base_url.rstrip("/")
        self.agreement_number = agreement_number
        self.session = requests.Session()
        self.session.headers.update(
            {"X-AppSecretToken": APP_SECRET_TOKEN, "X-AgreementGrantToken": grant_token}
        )

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, self.url(path), timeout=10, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body=None, **kwargs) -> requests.Response:
        return self.request("POST", path, json=body, **kwargs)

    def put(self, path: str, body=None, **kwargs) -> requests.Response:
        return self.request("PUT", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def control(self, method: str, path: str, body=None) -> requests.Response:
        """A control call about this agreement (`/_sandbox/agreements/{n}...`)."""
        full = f"{self.base_url}/_sandbox/agreements/{self.agreement_number}{path}"
        return requests.request(method, full, json=body, timeout=10)

    # --- shortcuts --------------------------------------------------------------------------

    def create_draft(self, **changes) -> dict:
        answer = self.post("/invoices/drafts", a_draft(**changes))
        assert answer.status_code == 201, answer.text
        return answer.json()

    def book(self, draft_number: int, **extra) -> dict:
        body = {"draftInvoice": {"draftInvoiceNumber": draft_number}, **extra}
        answer = self.post("/invoices/booked", body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def booked_invoice(self, **changes) -> dict:
        return self.book(self.create_draft(**changes)["draftInvoiceNumber"])

    def pay(self, invoice_number: int, amount, **extra) -> requests.Response:
        body = {"bookedInvoiceNumber": invoice_number, "amount": amount, **extra}
        return self.control("POST", "/payments", body)


PDF = build_pdf(["Attached page"])
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(api: Api, method: str, path: str, content: bytes, name: str = "file.pdf"):
    """A multipart upload of one file part, as e-conomic's attachment endpoints take it."""
    return api.request(method, path, files={"file": (name, content)})


def today() -> str:
    return datetime.date.today().isoformat()


def days_from_today(days: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def a_line(**changes) -> dict:
    line = {
        "product": {"productNumber": "1"},
        "description": "Consulting",
        "quantity": 1,
        "unitNetPrice": 100,
    }
    line.update(changes)
    return line


def a_draft(**changes) -> dict:
    """A valid draft for seed customer 1 (domestic VAT zone, payment terms 1: net 8 days)."""
    draft = {
        "date": today(),
        "currency": "DKK",
        "customer": {"customerNumber": 1},
        "layout": {"layoutNumber": 19},
        "paymentTerms": {"paymentTermsNumber": 1},
        "recipient": {"name": "Horsens Kommune", "vatZone": {"vatZoneNumber": 1}},
        "lines": [a_line()],
    }
    draft.update(changes)
    return draft


def errors_of(answer: requests.Response) -> dict | list:
    body = answer.json()
    assert answer.status_code == 400, answer.text
    assert body["errorCode"] == "E04300", body
    return body["errors"]


def first_error(errors: dict, *path) -> dict:
    """The first property error at `path` (keys, and ints for arrayIndex) of an errors tree."""
    node = errors
    for step in path:
        if isinstance(step, int):
            items = node if isinstance(node, list) else node["items"]
            node = next(item for item in items if item["arrayIndex"] == step)
        else:
            node = node[step]
    return node["errors"][0]


@pytest.fixture
def economic_sandbox_url(sandbox) -> str:
    """The base URL of the shared sandbox (economic_sandbox.pytest_plugin), reset for the test."""
    return sandbox.base_url


@pytest.fixture
def api(economic_sandbox_url) -> Api:
    return Api(economic_sandbox_url, *WITH_PROJECTS)


@pytest.fixture
def api_without_projects(economic_sandbox_url) -> Api:
    return Api(economic_sandbox_url, *WITHOUT_PROJECTS)


# Test modules bind these names at module level so pytest finds the fixtures (the `sandbox`
# fixture they build on comes from economic_sandbox.pytest_plugin, enabled in tests/conftest.py):
# `api, api_without_projects, economic_sandbox_url = FIXTURES`
FIXTURES = (api, api_without_projects, economic_sandbox_url)

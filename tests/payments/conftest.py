"""Fixtures for payments: a connection to the running sandbox with payment sync on, and invoices
that exist both here and, booked, in the sandbox (with the InvoiceExport row an export leaves)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from accounts_app.models import Invoice
from integration.models import Connection, InvoiceExport, PaymentImport
from integration.models.connection import ExportMethod, PaymentSync
from integration.services.installation import installation_code, invoice_reference
from integration.services.payments import payments_import
from tests.exports.conftest import make_invoice
from tests.sandbox.invoice_api import a_draft, a_line


@pytest.fixture
def paying(db, sandbox, settings) -> Connection:
    """Full and partial payments; the endpoint allowlist pointed at the sandbox."""
    settings.ECONOMIC_ENDPOINTS = {
        **settings.ECONOMIC_ENDPOINTS,
        "sandbox": {
            **settings.ECONOMIC_ENDPOINTS["sandbox"],
            "rest_url": sandbox.base_url,
            "openapi_url": sandbox.base_url,
            "app_secret_token": sandbox.app_token,
        },
    }
    settings.ECONOMIC_TIMEOUT = (2.0, 2.0)
    return Connection.objects.create(
        name="Sandbox", endpoint="sandbox", grant_token=sandbox.grant_token,
        payment_sync=PaymentSync.PARTIAL, payments_since=datetime.date.today(),
    )  # fmt: skip


@pytest.fixture
def full_only(paying) -> Connection:
    paying.payment_sync = PaymentSync.FULL
    paying.save()
    return paying


def remote_draft(sandbox, invoice: Invoice) -> dict:
    """The invoice as a draft in the sandbox: 2 x 100 of product 1 (25 % VAT), 250 gross,
    our reference in references.other, as the export writes it."""
    quantity = -2 if invoice.is_credit_note else 2
    body = a_draft(
        lines=[a_line(quantity=quantity, unitNetPrice=100)],
        references={"other": invoice_reference(invoice, installation=installation_code())},
    )
    answer = sandbox.post("/invoices/drafts", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def remote_book(sandbox, draft_number: int) -> int:
    answer = sandbox.post(
        "/invoices/booked", json={"draftInvoice": {"draftInvoiceNumber": draft_number}}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["bookedInvoiceNumber"]


def exported(
    connection: Connection, sandbox, invoice: Invoice | None = None
) -> tuple[Invoice, int]:
    """A finalized invoice of 250.00 gross, booked in the sandbox and recorded as exported."""
    invoice = invoice or make_invoice()
    assert invoice.gross_total == Decimal("250.00")
    number = remote_book(sandbox, remote_draft(sandbox, invoice)["draftInvoiceNumber"])
    InvoiceExport.objects.create(
        connection=connection, invoice=invoice, method=ExportMethod.BOOKED,
        booked_number=number, economic_number=str(number),
    )  # fmt: skip
    return invoice, number


def run_import(connection: Connection, **options) -> PaymentImport:
    run = payments_import(connection=connection, **options)
    assert run.error == "", run.error
    return run


def fresh(invoice: Invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)

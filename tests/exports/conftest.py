"""Fixtures for exports: a connection to the running sandbox, set up the way a person would
(Test connection, Refresh reference data, defaults and pairings), and ledger rows to export."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from django_q.signing import SignedPackage

from accounts_app.models import Customer, Invoice
from accounts_app.services import invoice_create, invoice_finalize, invoice_line_add
from integration.models import Connection, ExportJob, VatCodePairing
from integration.models.reference import RemoteKind, RemoteRecord
from integration.services.connections import connection_client, connection_test
from integration.services.installation import installation_code, invoice_reference
from integration.services.mappings import payment_conditions_pair
from integration.services.reference import reference_refresh
from tests.ledger.factories import PaymentConditionFactory, VatCodeFactory


@pytest.fixture
def sandbox_endpoint(sandbox, settings):
    """The endpoint allowlist pointed at the running sandbox (it listens on a free port)."""
    settings.ECONOMIC_ENDPOINTS = {
        **settings.ECONOMIC_ENDPOINTS,
        "sandbox": {
            **settings.ECONOMIC_ENDPOINTS["sandbox"],
            "rest_url": sandbox.base_url,
            "openapi_url": sandbox.base_url,
            "app_secret_token": sandbox.app_token,
        },
    }
    # Short backoff so a test sees retries within its run; short timeouts so hangs end fast.
    settings.ECONOMIC_EXPORT = {"backoff_seconds": 0, "backoff_cap": 0, "lease_seconds": 60}
    settings.ECONOMIC_TIMEOUT = (2.0, 2.0)
    return sandbox


@pytest.fixture
def exporting(db, sandbox_endpoint) -> Connection:
    """A connection ready to export: tested, reference data read, defaults chosen (layout 19,
    Netto 14 dage, domestic zone, group Debitorer, product 1 'Konsulenttime' which carries 25 %
    VAT), our S25 paired with U25 and the payment conditions paired."""
    connection = Connection.objects.create(
        name="Sandbox", endpoint="sandbox", grant_token=sandbox_endpoint.grant_token,
        default_layout_number=19, default_payment_terms_number=2, default_vat_zone_number=1,
        default_customer_group_number=1, default_product_number="1",
    )  # fmt: skip
    assert connection_test(connection=connection), connection.test_error
    reference_refresh(connection=connection, client=connection_client(connection=connection))
    VatCodePairing.objects.create(
        connection=connection,
        vat_code=VatCodeFactory(),
        vat_account=RemoteRecord.objects.get(connection=connection, kind=RemoteKind.VAT_ACCOUNT, number="U25"),
    )  # fmt: skip
    PaymentConditionFactory()
    payment_conditions_pair(connection=connection)
    connection.refresh_from_db()
    return connection


_numbers = iter(range(500, 10_000))


def make_customer(**fields) -> Customer:
    values = {
        "number": next(_numbers), "name": f"Kunde {len(fields)} ApS", "address": "Vejen 1",
        "zip_code": "8000", "city": "Aarhus C", "email": "", "vat_number": "",
        "payment_condition": PaymentConditionFactory(),
    }  # fmt: skip
    values.update(fields)
    return Customer.objects.create(**values)


def make_invoice(
    customer: Customer | None = None, prices=("100.00",), vat_code=None, **fields
) -> Invoice:
    """A finalized invoice, built through the ledger's services (its lines at 25 % VAT unless
    another VAT code is given)."""
    invoice = invoice_create(customer=customer or make_customer(), **fields)
    for position, price in enumerate(prices, 1):
        invoice_line_add(
            invoice=invoice, description=f"Consulting {position}", quantity=Decimal("2"),
            unit_price=Decimal(price), vat_code=vat_code or VatCodeFactory(),
        )  # fmt: skip
    return invoice_finalize(invoice=invoice)


def exempt_vat_code(connection: Connection):
    """Our 0 % code for sales without VAT, paired with e-conomic's UV0 (0 %)."""
    vat_code = VatCodeFactory(code="E0", name="No VAT", rate=Decimal("0.00"))
    VatCodePairing.objects.get_or_create(
        connection=connection, vat_code=vat_code,
        defaults={"vat_account": RemoteRecord.objects.get(
            connection=connection, kind=RemoteKind.VAT_ACCOUNT, number="UV0")},
    )  # fmt: skip
    return vat_code


def reference_of(invoice: Invoice) -> str:
    """The reference the export puts in the invoice's document: this installation's."""
    return invoice_reference(invoice, installation=installation_code())


def remote_writes(sandbox, since: int) -> list[dict]:
    return [entry for entry in sandbox.request_log(since) if entry["method"] != "GET"]


def drafts_with(sandbox, reference: str) -> list[dict]:
    answer = sandbox.get("/invoices/drafts", params={"filter": f"references.other$eq:{reference}"})
    return answer.json()["collection"]


def booked_with(sandbox, reference: str) -> list[dict]:
    answer = sandbox.get("/invoices/booked", params={"filter": f"references.other$eq:{reference}"})
    return answer.json()["collection"]


def states(connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in ExportJob.objects.filter(connection=connection).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def queued_tasks(broker) -> list[dict]:
    """Take what is queued off the broker (so nothing is left for a later test's cluster)."""
    tasks = []
    while broker.queue_size():
        for task_id, package in broker.dequeue() or []:
            tasks.append(SignedPackage.loads(package))
            broker.acknowledge(task_id)
    return tasks


def now():
    return timezone.now()

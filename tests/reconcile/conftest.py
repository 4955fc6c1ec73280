"""Fixtures for the reconciliation: the exports' connection to the running sandbox, invoices
exported through a real export run, and a person's edits made through the sandbox's control
API (as in e-conomic's own screens: no call of ours)."""

from __future__ import annotations

import pytest

from accounts_app.models import Invoice
from integration.models import InvoiceExport
from integration.models.connection import ExportMethod, PaymentSync
from integration.services.exports import export_process, export_run_refresh, export_run_start
from integration.services.reconcile import reconcile_connection
from tests.exports.conftest import exporting, make_invoice, sandbox_endpoint  # noqa: F401


@pytest.fixture
def reconciling(exporting):  # noqa: F811 - the exports' fixture, with payment sync on
    exporting.payment_sync = PaymentSync.PARTIAL
    exporting.save()
    return exporting


def exported(connection, method: str = ExportMethod.DRAFT, count: int = 1) -> list[Invoice]:
    """`count` invoices (one customer each) exported by `method` through an export run."""
    invoices = [make_invoice() for _ in range(count)]
    run = export_run_start(
        connection=connection,
        method=method,
        invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices]),
    )
    export_process(connection=connection, run=run)
    assert export_run_refresh(run=run).done == count
    return invoices


def export_of(invoice: Invoice) -> InvoiceExport:
    return InvoiceExport.objects.get(invoice=invoice)


def person(sandbox, method: str, path: str, body=None) -> dict:
    """What a person does in e-conomic's screens (the sandbox's control API)."""
    return sandbox.call_control(method, f"/agreements/{sandbox.agreement_number}{path}", body)


def reconciled(connection):
    run = reconcile_connection(connection=connection)
    assert run.error == "", run.error
    return run

"""The home page's work, per connection: what waits to be exported, what needs a person, what
sits unbooked in e-conomic, the runs under way, the last payment import, the reconciliation's
open findings, the setup check and the day's budget. A fixed handful of queries per connection,
however many invoices, jobs and runs there are; no call to e-conomic."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from accounts_app.models import Invoice
from integration.models import (
    Connection,
    ExportJob,
    ExportRun,
    InvoiceExport,
    JobKind,
    JobState,
    PaymentImport,
)
from integration.models.exports import RunState
from integration.services.budget import BudgetUsage, budget_usage
from integration.services.reconcile import findings_open_counts
from integration.services.setup_check import SetupReport, setup_check


@dataclass(frozen=True)
class ConnectionWork:
    connection: Connection
    not_exported: int
    needs_person: int
    drafts_waiting: int
    runs: list[ExportRun]
    last_import: PaymentImport | None
    findings: int
    setup: SetupReport
    budget: BudgetUsage


def work_overview() -> list[ConnectionWork]:
    findings = findings_open_counts()
    return [
        _work(connection, findings.get(connection.pk, 0))
        for connection in Connection.objects.filter(active=True).order_by("name")
    ]


def _work(connection: Connection, findings: int) -> ConnectionWork:
    return ConnectionWork(
        connection=connection,
        not_exported=_not_exported(connection).count(),
        needs_person=ExportJob.objects.filter(
            connection=connection, state__in=(JobState.FAILED, JobState.DEAD)
        ).count(),
        drafts_waiting=InvoiceExport.objects.filter(
            connection=connection, draft_number__isnull=False, booked_number=None,
            voucher_number=None,
        ).count(),  # fmt: skip
        runs=list(
            ExportRun.objects.filter(
                connection=connection, dry_run=False, state__in=(RunState.QUEUED, RunState.RUNNING)
            ).order_by("-pk")[:5]
        ),
        last_import=PaymentImport.objects.filter(connection=connection)
        .order_by("-started", "-pk").first(),
        findings=findings,
        setup=setup_check(connection=connection),
        budget=budget_usage(connection=connection),
    )


def _not_exported(connection: Connection):
    """Issued invoices this connection has neither exported nor queued or failed: what the
    invoice list's "Not exported" filter lists, so the figure and its list agree (a queued one
    shows under the runs, a failed one under the jobs that need a person)."""
    exported = InvoiceExport.objects.filter(connection=connection, invoice=OuterRef("pk"))
    pending = ExportJob.objects.filter(
        connection=connection, kind=JobKind.INVOICE, object_id=OuterRef("pk")
    ).exclude(state=JobState.DONE)
    return Invoice.objects.exclude(state=Invoice.State.DRAFT).exclude(Exists(exported)).exclude(
        Exists(pending)
    )

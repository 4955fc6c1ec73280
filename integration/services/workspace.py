"""The home page's work, per connection: what waits to be exported, what needs a person, what
sits unbooked in e-conomic, the runs under way, the reconciliation's open findings, the setup
check and the day's budget. A handful of counting queries per connection, no call to e-conomic."""

from __future__ import annotations

from dataclasses import dataclass

from accounts_app.models import Invoice
from integration.models import Connection, ExportJob, ExportRun, InvoiceExport, JobState
from integration.models.connection import ExportMethod
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
    exported = InvoiceExport.objects.filter(connection=connection)
    issued = Invoice.objects.exclude(state=Invoice.State.DRAFT)
    return ConnectionWork(
        connection=connection,
        not_exported=issued.exclude(pk__in=exported.values("invoice")).count(),
        needs_person=ExportJob.objects.filter(
            connection=connection, state__in=(JobState.FAILED, JobState.DEAD)
        ).count(),
        drafts_waiting=exported.filter(
            method=ExportMethod.DRAFT, draft_number__isnull=False, booked_number=None,
            draft_deleted_at=None,
        ).count(),  # fmt: skip
        runs=list(
            ExportRun.objects.filter(
                connection=connection, dry_run=False, state__in=(RunState.QUEUED, RunState.RUNNING)
            ).order_by("-pk")[:5]
        ),
        findings=findings,
        setup=setup_check(connection=connection),
        budget=budget_usage(connection=connection),
    )

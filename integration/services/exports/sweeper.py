"""The sweeper and the automatic export.

django-q2 is the doorbell, not the ledger: a task may be lost (a worker killed, a broker
restarted), so a scheduled sweep turns expired leases into lookups and rings again for every
connection with due jobs. Automatic export writes an invoice's job in the transaction that
finalizes it (the `invoice_finalized` signal is sent inside it) and rings after the commit.
"""

from __future__ import annotations

from django.utils import timezone

from accounts_app.models import Invoice
from integration import clock
from integration.models import Connection, CustomerLink, ExportJob, JobKind
from integration.models.exports import TERMINAL_STATES
from integration.models.mappings import CustomerLinkState
from integration.services.enqueue import (
    export_connection_tasks_enqueue,
    export_job_tasks_enqueue,
    export_run_tasks_enqueue,
)
from integration.services.export_context import ExportContext
from integration.services.exports.customer_job import customer_job_queue
from integration.services.exports.jobs import CLAIMABLE, export_jobs_expire_leases
from integration.services.exports.snapshots import invoice_own_blockers
from integration.services.exports.worker import export_process
from integration.services.installation import (
    installation_code,
    invoice_reference,
    job_key,
)


def exports_sweep() -> dict:
    """Expired leases become lookups; every connection and run with due jobs is rung again."""
    expired = export_jobs_expire_leases()
    due = ExportJob.objects.filter(state__in=CLAIMABLE, not_before__lte=clock.now())
    targets = set(due.values_list("connection_id", "run_id").distinct())
    for connection_id, run_id in targets:
        if run_id:
            export_run_tasks_enqueue(run_id=run_id)
        else:
            export_connection_tasks_enqueue(connection_ids=[connection_id])
    return {"expired": expired, "rung": len(targets)}


def _job_for(
    connection: Connection, kind: str, object_id: int, reference: str, installation: str
) -> ExportJob:
    job, _ = ExportJob.objects.get_or_create(
        connection=connection, kind=kind, object_id=object_id, revision=1,
        defaults={
            "method": connection.export_method, "reference": reference,
            "not_before": timezone.now(),
            "key": job_key(connection_id=connection.pk, kind=kind, object_id=object_id, revision=1,
                           installation=installation),
        },
    )  # fmt: skip
    return job


def invoice_finalized_export(*, invoice: Invoice) -> list[ExportJob]:
    """Queue the invoice (and its customer, if it has no card yet) for every connection that
    exports automatically. Runs inside the finalizing transaction. An invoice that its own
    blockers stop gets no card made for it: its job fails with them."""
    jobs = []
    connections = list(Connection.objects.filter(active=True, auto_export=True))
    code = installation_code() if connections else ""
    for connection in connections:
        linked = CustomerLink.objects.filter(
            connection=connection, customer=invoice.customer_id, state=CustomerLinkState.LINKED
        ).exists()
        if not linked and _needs_card(invoice, connection):
            customer_job_queue(connection=connection, customer_id=invoice.customer_id,
                               installation=code)  # fmt: skip
        reference = invoice_reference(invoice, installation=code)
        jobs.append(_job_for(connection, JobKind.INVOICE, invoice.pk, reference, code))
    if jobs:
        export_job_tasks_enqueue(job_ids=[job.pk for job in jobs])
    return jobs


def _needs_card(invoice: Invoice, connection: Connection) -> bool:
    context = ExportContext.load(connection=connection)
    return invoice.customer_id not in context.customers and not invoice_own_blockers(
        invoice, context
    )


def export_job_send(*, job_id: int) -> int:
    """Send one job of the automatic export, with the customers of no run that its connection
    still waits for (an invoice's customer is a job of its own). Answers the jobs handled."""
    job = ExportJob.objects.select_related("connection").get(pk=job_id)
    customers = (
        ExportJob.objects.filter(connection=job.connection, run=None, kind=JobKind.CUSTOMER)
        .exclude(state__in=TERMINAL_STATES)
        .values_list("pk", flat=True)
    )
    return export_process(connection=job.connection, job_ids=[job_id, *customers])


def invoice_finalized_receiver(sender, invoice, **_kwargs) -> None:
    invoice_finalized_export(invoice=invoice)

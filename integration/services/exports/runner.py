"""Working through the outbox: claim due jobs one by one, customers and projects before the
invoices that need them, vouchers in batches. Any number of workers may run this at once; the
claim decides who sends what.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from integration.economic.client import EconomicClient
from integration.models import ErrorKind, ExportJob, ExportRun, JobKind, JobState
from integration.models.connection import ExportMethod
from integration.models.exports import TERMINAL_STATES
from integration.services.connections import api_call_recorder, connection_client
from integration.services.exports.context import ExportContext, invoices_for_export
from integration.services.exports.invoices import invoice_export
from integration.services.exports.jobs import (
    CLAIMABLE,
    Claim,
    export_job_claim,
    export_job_fail,
    export_job_release,
)
from integration.services.exports.parties import customer_export, project_export
from integration.services.exports.runs import export_run_begin, export_run_enqueue
from integration.services.exports.snapshots import invoice_blockers, invoice_snapshot
from integration.services.exports.vouchers import vouchers_export

VOUCHER_BATCH = 50
VOUCHER_LISTING = 4  # batches listed at once: enough for four workers to fill one each
KIND_ORDER = (JobKind.CUSTOMER, JobKind.PROJECT, JobKind.INVOICE)


def run_client(*, connection, run: ExportRun | None) -> EconomicClient:
    """The connection's client, its calls counted against the run."""
    client = connection_client(connection=connection, purpose="export")
    if run is not None:
        client.recorder = api_call_recorder(connection=connection, purpose="export", export_run=run)
    return client


def due_jobs(*, connection, run: ExportRun | None, kind: str) -> QuerySet[ExportJob]:
    jobs = ExportJob.objects.filter(
        connection=connection, kind=kind, state__in=CLAIMABLE, not_before__lte=timezone.now()
    )
    return jobs.filter(run=run) if run is not None else jobs


def export_process(
    *, connection, run: ExportRun | None = None, client: EconomicClient | None = None,
    context: ExportContext | None = None, job_ids: list[int] | None = None,
    deadline: float | None = None,
) -> int:  # fmt: skip
    """Send every due job of the run (or of the connection) until none is left due, or until
    `deadline` (time.monotonic()) has passed; answer how many were handled. Jobs waiting for a
    backoff are left to the sweeper."""
    client = client or run_client(connection=connection, run=run)
    context = context or ExportContext.load(
        connection=connection, overrides=run.overrides if run else {}
    )
    if run is not None:
        export_run_begin(run=run)
    handled = 0
    while True:
        progress = sum(
            _process_kind(connection, run, kind, client, context, job_ids, deadline)
            for kind in KIND_ORDER
        )
        handled += progress
        if not progress or _past(deadline):
            return handled


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def export_task_budget() -> float:
    """How long one task may work on a run: half of django-q2's timeout, which kills a task
    that outlives it (mid-call, leaving its job to the lease and the sweeper), so that the
    slowest call (a read timeout and its retries) still ends inside it."""
    return settings.Q_CLUSTER.get("timeout", 300) / 2


def export_run_work(
    *, run: ExportRun, client: EconomicClient | None = None, patience: float = 10,
    budget: float | None = None,
) -> int:  # fmt: skip
    """Send the run's jobs until none is left open, waiting for jobs due within `patience`
    seconds (an invoice waiting for its customer); longer backoffs are left to the sweeper.
    With a `budget` (seconds), stop once it is spent and ring for a task that carries on."""
    client = client or run_client(connection=run.connection, run=run)
    context = ExportContext.load(connection=run.connection, overrides=run.overrides)
    deadline = time.monotonic() + budget if budget is not None else None
    handled = 0
    while True:
        handled += export_process(
            connection=run.connection, run=run, client=client, context=context,
            deadline=deadline,
        )  # fmt: skip
        soon = timezone.now() + datetime.timedelta(seconds=patience)
        waiting = ExportJob.objects.filter(run=run).exclude(state__in=TERMINAL_STATES)
        if not waiting.filter(not_before__lte=soon).exists():
            return handled
        if _past(deadline):
            # This task's place passes to a fresh one, so as many workers as were rung keep
            # working on the run.
            export_run_enqueue(run=run, workers=1)
            return handled
        time.sleep(0.2)


def _process_kind(connection, run, kind, client, context, job_ids, deadline=None) -> int:
    jobs = due_jobs(connection=connection, run=run, kind=kind)
    if job_ids is not None:
        jobs = jobs.filter(pk__in=job_ids)
    if kind == JobKind.INVOICE and _method(run, connection) == ExportMethod.VOUCHER:
        return _process_vouchers(list(jobs.order_by("id")[: VOUCHER_BATCH * VOUCHER_LISTING]),
                                 client, context)  # fmt: skip
    candidates = list(jobs.order_by("id")[: VOUCHER_BATCH * 2])
    # Invoices do not change once finalized: read the batch's at once. Each job is claimed
    # just before it is sent, so its lease runs from the moment its work starts.
    invoices = _invoices_of(candidates) if kind == JobKind.INVOICE else {}
    handled = 0
    for job in candidates:
        if claim := export_job_claim(job=job):
            _send_one(claim, client, context, invoices.get(job.object_id))
            handled += 1
        if _past(deadline):
            break
    return handled


def _process_vouchers(candidates: list[ExportJob], client, context: ExportContext) -> int:
    """Claim until a batch is full, send it, go on. Workers listing the same jobs at once take
    turns claiming them, so each still fills whole batches (one call per VOUCHER_BATCH) when the
    listing holds a batch for each of them."""
    claims: list[Claim] = []
    handled = 0
    for job in candidates:
        if claim := export_job_claim(job=job):
            claims.append(claim)
        if len(claims) == VOUCHER_BATCH:
            _send_vouchers(claims, client, context)
            handled, claims = handled + len(claims), []
    if claims:
        _send_vouchers(claims, client, context)
    return handled + len(claims)


def _invoices_of(jobs: list[ExportJob]) -> dict:
    return {invoice.pk: invoice for invoice in invoices_for_export(job.object_id for job in jobs)}


def _method(run, connection) -> str:
    return run.method if run is not None else connection.export_method


def _send_one(claim: Claim, client, context: ExportContext, invoice=None) -> None:
    job = claim.job
    if job.kind == JobKind.CUSTOMER:
        customer_export(job=job, client=client, context=context, reconcile=claim.reconcile)
    elif job.kind == JobKind.PROJECT:
        project_export(job=job, client=client, context=context, reconcile=claim.reconcile)
    else:
        prepared = _prepare(job, context, invoice)
        if prepared is not None:
            invoice, snapshot = prepared
            invoice_export(
                job=job, invoice=invoice, snapshot=snapshot, client=client, context=context,
                reconcile=claim.reconcile,
            )  # fmt: skip


def _send_vouchers(claims: list[Claim], client, context: ExportContext) -> None:
    items = []
    invoices = _invoices_of([claim.job for claim in claims])
    for claim in claims:
        prepared = _prepare(claim.job, context, invoices.get(claim.job.object_id))
        if prepared is not None:
            items.append((claim.job, *prepared, claim.reconcile))
    if items:
        vouchers_export(items=items, client=client, context=context)


def _prepare(job: ExportJob, context: ExportContext, invoice=None):
    """The invoice and its snapshot, or None when the job cannot go now (and was recorded so)."""
    invoice = invoice or invoices_for_export([job.object_id])[0]
    if not _parties_ready(job, invoice, context):
        return None
    blockers = invoice_blockers(invoice, context)
    if blockers:
        message = "\n".join(str(blocker) for blocker in blockers)
        export_job_fail(job=job, error=message, kind=ErrorKind.CONFIGURATION)
        return None
    return invoice, invoice_snapshot(invoice, context)


def _parties_ready(job: ExportJob, invoice, context: ExportContext) -> bool:
    """The customer (and project) exist in e-conomic; if they are still on their way, the
    invoice waits; if they failed, the invoice fails with their reason."""
    waits = [(JobKind.CUSTOMER, invoice.customer_id, invoice.customer_id not in context.customers)]
    if context.connection.sync_projects and invoice.project_id:
        waits.append(
            (JobKind.PROJECT, invoice.project_id, invoice.project_id not in context.projects)
        )
    for kind, object_id, missing in waits:
        if not missing:
            continue
        context.refresh_links()
        if _linked(context, kind, object_id):
            continue
        party = ExportJob.objects.filter(
            connection=job.connection_id, kind=kind, object_id=object_id
        )
        failed = party.filter(state__in=(JobState.FAILED, JobState.DEAD)).first()
        if failed is not None or not party.exists():
            reason = failed.last_error if failed else f"no {kind} job exists for it"
            message = f"{invoice}: its {kind} is not in e-conomic: {reason}"
            export_job_fail(job=job, kind=ErrorKind.CONFIGURATION, error=message)
        else:
            export_job_release(job=job)
        return False
    return True


def _linked(context: ExportContext, kind: str, object_id: int) -> bool:
    known = context.customers if kind == JobKind.CUSTOMER else context.projects
    return object_id in known

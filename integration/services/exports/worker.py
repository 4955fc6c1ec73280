"""What a worker does with the outbox: take the due jobs of a run (or of a connection's automatic
export) kind by kind, customers and projects before the invoices that need them, and hand each
to its job kind's module, which claims it, prepares it, calls e-conomic and records the answer.
Any number of workers may run this at once; the claim decides who sends what.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.db.models import QuerySet
from django.utils import timezone

from integration import clock
from integration.economic.client import EconomicClient
from integration.models import Connection, ExportJob, ExportRun, JobKind, RunState
from integration.models.connection import ExportMethod
from integration.services.connections import ApiCallLog, connection_client
from integration.services.export_context import ExportContext, invoices_for_export
from integration.services.exports.answered import Answered
from integration.services.exports.customer_job import customer_job_send
from integration.services.exports.invoice_job import invoice_job_send
from integration.services.exports.jobs import CLAIMABLE
from integration.services.exports.project_job import project_job_send
from integration.services.exports.voucher_job import VOUCHER_BATCH, voucher_jobs_send

VOUCHER_LISTING = 4  # batches listed at once: enough for four workers to fill one each
KIND_ORDER = (JobKind.CUSTOMER, JobKind.PROJECT, JobKind.INVOICE)
# Invoices do not change once finalized: those of the next jobs are read together (three
# queries). Not the whole listing's: workers sharing a run each send a part of it, and would
# each read every invoice. Each job is claimed just before it is sent, so its lease runs from
# the moment its work starts.
INVOICES_READ = 20
PARTY_SENDERS = {JobKind.CUSTOMER: customer_job_send, JobKind.PROJECT: project_job_send}


def run_client(*, connection, run: ExportRun | None) -> EconomicClient:
    """The connection's client, its calls counted against the run, their rows written with the
    jobs they were for (see answered.py)."""
    client = connection_client(connection=connection, purpose="export", for_jobs=True)
    client.recorder = ApiCallLog(connection=connection, purpose="export", export_run=run, held=True)
    return client


def due_jobs(*, connection, run: ExportRun | None, kind: str) -> QuerySet[ExportJob]:
    jobs = ExportJob.objects.filter(
        connection=connection, kind=kind, state__in=CLAIMABLE, not_before__lte=clock.now()
    )
    return jobs.filter(run=run) if run is not None else jobs


@dataclass(frozen=True)
class Sending:
    """What one worker's pass over the outbox works with."""

    connection: Connection
    run: ExportRun | None
    client: EconomicClient
    context: ExportContext
    answered: Answered
    job_ids: list[int] | None
    deadline: float | None
    share: tuple[int, int]  # (this task's number, of how many) rung for the run


def export_process(
    *, connection, run: ExportRun | None = None, client: EconomicClient | None = None,
    context: ExportContext | None = None, job_ids: list[int] | None = None,
    deadline: float | None = None, share: tuple[int, int] = (0, 1),
) -> int:  # fmt: skip
    """Send every due job of the run (or of the connection) until none is left due, or until
    `deadline` (time.monotonic()) has passed; answer how many were handled. Jobs waiting for a
    backoff are left to the sweeper. `share`: task k of the n rung for the run starts each
    listing of due jobs k/n of the way in, so that the n send side by side rather than each
    trying the same job first (a lost claim costs two statements)."""
    client = client or run_client(connection=connection, run=run)
    context = context or ExportContext.load(
        connection=connection, overrides=run.overrides if run else {},
        method=run.method if run else "",
    )  # fmt: skip
    if run is not None:
        export_run_begin(run=run)
    handled = 0
    sending = Sending(
        connection=connection, run=run, client=client, context=context, job_ids=job_ids,
        answered=Answered(context=context, calls=client.recorder), deadline=deadline,
        share=share,
    )  # fmt: skip
    # What the export writes (e-conomic's numbers copied back, the links it finds) is kept on
    # its jobs and exports; the audit trail is for what people change, and stays out of its way.
    with disable_auditlog():
        try:
            while True:
                progress = sum(_send_due(sending, kind) for kind in KIND_ORDER)
                handled += progress
                if not progress or past(deadline):
                    return handled
        finally:
            sending.answered.record()


def export_run_begin(*, run: ExportRun) -> None:
    """A worker has taken the run up: queued becomes running, once. Until then the progress
    page says queued, which is what a person needs to see when no worker is running."""
    if run.started_at is None:
        now = timezone.now()
        if ExportRun.objects.filter(pk=run.pk, started_at=None, finished_at=None).update(
            started_at=now, state=RunState.RUNNING
        ):
            run.started_at, run.state = now, RunState.RUNNING


def past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _send_due(sending: Sending, kind: str) -> int:
    run, client, context = sending.run, sending.client, sending.context
    jobs = due_jobs(connection=sending.connection, run=run, kind=kind)
    if sending.job_ids is not None:
        jobs = jobs.filter(pk__in=sending.job_ids)
    method = run.method if run is not None else sending.connection.export_method
    if kind == JobKind.INVOICE and method == ExportMethod.VOUCHER:
        listed = list(jobs.order_by("id")[: VOUCHER_BATCH * VOUCHER_LISTING])
        return voucher_jobs_send(jobs=listed, client=client, context=context)
    candidates = _from_share(list(jobs.order_by("id")[: VOUCHER_BATCH * 2]), sending.share)
    invoices: dict = {}
    handled = 0
    while candidates:
        job = candidates.pop(0)
        if kind == JobKind.INVOICE:
            if job.object_id not in invoices:
                invoices = _invoices_of([job, *candidates[: INVOICES_READ - 1]])
            sent = invoice_job_send(
                job=job, client=client, context=context, invoice=invoices.get(job.object_id),
                answered=sending.answered,
            )  # fmt: skip
        else:
            sent = PARTY_SENDERS[kind](job=job, client=client, context=context)
        handled += sent
        if past(sending.deadline):
            break
        if not sent and candidates:
            candidates = _untaken(candidates)
    sending.answered.record()  # before the jobs are listed again, or the run is looked at
    return handled


def _from_share(jobs: list[ExportJob], share: tuple[int, int]) -> list[ExportJob]:
    """The listing from this task's share on, the jobs before it last."""
    start = len(jobs) * share[0] // max(share[1], 1)
    return jobs[start:] + jobs[:start]


def _untaken(jobs: list[ExportJob]) -> list[ExportJob]:
    """After a lost claim: the jobs still as they were read, from a random one of them on.
    Workers that list the same jobs would otherwise walk them in step, each trying (one UPDATE
    apiece) every job the others took; spread out, each goes on where nobody is. A worker alone
    never loses a claim, so it keeps the jobs' order."""
    unchanged = dict(
        ExportJob.objects.filter(pk__in=[job.pk for job in jobs], state__in=CLAIMABLE)
        .values_list("pk", "updated_at")
    )  # fmt: skip
    left = [job for job in jobs if unchanged.get(job.pk) == job.updated_at]
    start = random.randrange(len(left)) if left else 0
    return left[start:] + left[:start]


def _invoices_of(jobs: list[ExportJob]) -> dict:
    return {invoice.pk: invoice for invoice in invoices_for_export(job.object_id for job in jobs)}

"""An export run's life: what a person asks for in the export dialog or with
`manage.py export_invoices`, from start to digest.

start: refuse while the setup check or any invoice has a blocker (nothing is written anywhere
then); otherwise write its jobs in one transaction and ring django-q2 after the commit (a dry run
goes to `dry_run` instead). work: each task rung works through the run's jobs (`worker`) within
its budget. progress and finish: counted as jobs end, finished once every invoice is done or
failed, with one alert (services/alerts.py) listing what needs a person.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts_app.models import Invoice
from integration import clock
from integration.economic.client import EconomicClient
from integration.models import (
    Connection,
    ErrorKind,
    ExportJob,
    ExportRun,
    InvoiceExport,
    JobKind,
    JobState,
    RunState,
)
from integration.models.connection import ExportMethod
from integration.models.exports import TERMINAL_STATES
from integration.services.blockers import Blocker, Refused
from integration.services.budget import budget_usage
from integration.services.enqueue import export_run_tasks_enqueue
from integration.services.export_context import ExportContext, invoices_for_export
from integration.services.exports.dry_run import export_dry_run
from integration.services.exports.job_alerts import export_run_alert
from integration.services.exports.jobs import export_jobs_move
from integration.services.exports.left_out import exported_entry, left_out_entry
from integration.services.exports.snapshots import invoice_blockers, label
from integration.services.exports.worker import export_process, past, run_client
from integration.services.installation import (
    installation_code,
    invoice_reference,
    job_key,
    party_reference,
)
from integration.services.mappings import customer_link
from integration.services.setup_check import setup_require_ready

OVERRIDE_KEYS = ("layout_number", "payment_terms_number", "vat_zone_number", "customer_number")


def export_run_start(
    *, connection: Connection, invoices: QuerySet[Invoice], method: str = "",
    overrides: dict | None = None, user=None, selection: str = "", dry_run: bool = False,
    leave_out_blocked: bool = False,
) -> ExportRun:  # fmt: skip
    """Check, then queue the export of `invoices`. Raises SetupBlocked or Refused (with every
    blocker) before anything is written; a dry run never raises for blockers, it reports them.
    Drafts are left out, and with `leave_out_blocked` the blocked invoices too: the run keeps
    each with why (`left_out`); it is refused when nothing would be left to export."""
    overrides = {
        key: value for key, value in (overrides or {}).items() if key in OVERRIDE_KEYS and value
    }
    method = method or connection.export_method
    if dry_run:
        return export_dry_run(
            connection=connection, invoices=invoices, method=method, overrides=overrides,
            user=user, selection=selection,
        )  # fmt: skip
    context = ExportContext.load(connection=connection, overrides=overrides, method=method)
    finalized = invoices.exclude(state=Invoice.State.DRAFT)
    setup_require_ready(connection=connection, invoices=finalized, context=context)
    chosen = list(invoices_for_export(invoices.values_list("pk", flat=True)))
    _apply_customer_override(chosen, context)
    chosen, left_out = _leave_out(chosen, context, leave_out_blocked=leave_out_blocked)
    with transaction.atomic():
        run = _create_run(connection, method, overrides, user, selection, chosen, left_out)
        _link_chosen_customer(chosen, context)
        left = _create_jobs(run, chosen, context)
        export_run_enqueue(run=run)
        transaction.on_commit(lambda: _ring_left(left))
    return run


def _leave_out(
    chosen: list[Invoice], context: ExportContext, *, leave_out_blocked: bool
) -> tuple[list[Invoice], list[dict]]:
    """The invoices to export, and those left out with why: drafts always; blocked ones only
    when asked (else any blocker refuses the run), and never all of them."""
    kept, left_out, refusing, every = [], [], [], []
    for invoice in chosen:
        blockers = invoice_blockers(invoice, context)
        if not blockers:
            kept.append(invoice)
            continue
        every += blockers
        refusing += [] if invoice.is_draft or leave_out_blocked else blockers
        left_out.append(left_out_entry(invoice, blockers, label(invoice)))
    if refusing or (every and not kept):
        raise Refused(refusing or every)
    return kept, left_out


def _apply_customer_override(chosen: list[Invoice], context: ExportContext) -> None:
    number = context.overrides.get("customer_number")
    if not number:
        return
    customers = {invoice.customer_id for invoice in chosen}
    if len(customers) != 1:
        raise Refused([Blocker(_("The selection"), _("holds invoices of several customers, so "
                               "one e-conomic customer cannot be chosen for all."),
                               _("Export one customer's invoices at a time, or leave the "
                                 "customer to the links."))])  # fmt: skip
    context.customers[customers.pop()] = int(number)


def _link_chosen_customer(chosen: list[Invoice], context: ExportContext) -> None:
    # The choice is kept as the customer's link, so later exports do not ask again.
    if context.overrides.get("customer_number") and chosen:
        customer_link(connection=context.connection, customer=chosen[0].customer,
                      remote_number=int(context.overrides["customer_number"]))  # fmt: skip


def _create_run(
    connection, method, overrides, user, selection, chosen, left_out=()
) -> ExportRun:
    return ExportRun.objects.create(
        connection=connection, method=method, overrides=overrides, created_by=user,
        selection=selection or _("%(count)d invoices") % {"count": len(chosen)},
        total=len(chosen), state=RunState.QUEUED, left_out=list(left_out),
    )  # fmt: skip


def _create_jobs(run: ExportRun, chosen: list[Invoice], context: ExportContext) -> set[int]:
    """Write the run's jobs, taking over earlier ones not done (see `export_jobs_move`);
    answer the runs that gave invoices up to it."""
    earlier = _jobs_create(run, _wanted(chosen, context), context.installation)
    moves = export_jobs_move(jobs=earlier, run=run)
    exported = [job for job in moves.done if job.kind == JobKind.INVOICE]
    if exported:
        # Exported before: not part of this run's work, and listed on it with its number.
        invoices = {invoice.pk: invoice for invoice in chosen}
        run.left_out += [exported_entry(job, invoices[job.object_id]) for job in exported]
        ExportRun.objects.filter(pk=run.pk).update(
            total=F("total") - len(exported), left_out=run.left_out
        )
        run.total -= len(exported)
    return moves.left_run_ids


def _wanted(chosen: list[Invoice], context: ExportContext) -> list[tuple[str, int, str]]:
    """(kind, object id, reference) of each job the run needs: the customers and projects
    e-conomic lacks, then the invoices."""
    customers = {invoice.customer_id for invoice in chosen} - set(context.customers)
    code = context.installation
    wanted = [(JobKind.CUSTOMER, customer_id, party_reference(JobKind.CUSTOMER, customer_id,
                                                              installation=code))
              for customer_id in sorted(customers)]  # fmt: skip
    if context.connection.sync_projects:
        projects = {invoice.project_id for invoice in chosen if invoice.project_id}
        wanted += [(JobKind.PROJECT, project_id, party_reference(JobKind.PROJECT, project_id,
                                                                 installation=code))
                   for project_id in sorted(projects - set(context.projects))]  # fmt: skip
    return wanted + [
        (JobKind.INVOICE, invoice.pk, invoice_reference(invoice, installation=code))
        for invoice in chosen
    ]


def _jobs_create(
    run: ExportRun, wanted: list[tuple[str, int, str]], installation: str
) -> list[ExportJob]:
    """Write each object's first job in one statement, and answer the ones that were there
    already (an object has one job per revision), made by an earlier run or by one starting at
    the same moment: the insert leaves those as they are, and they are read afterwards."""
    connection, now = run.connection, timezone.now()
    ExportJob.objects.bulk_create(
        [
            ExportJob(
                connection=connection, kind=kind, object_id=object_id, revision=1, run=run,
                method=run.method, reference=reference, not_before=now,
                key=job_key(connection_id=connection.pk, kind=kind, object_id=object_id,
                            revision=1, installation=installation),
            )
            for kind, object_id, reference in wanted
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    by_kind: dict[str, list[int]] = {}
    for kind, object_id, _reference in wanted:
        by_kind.setdefault(kind, []).append(object_id)
    return [
        job
        for kind, object_ids in by_kind.items()
        for job in ExportJob.objects.filter(
            connection=connection, kind=kind, object_id__in=object_ids, revision=1
        ).exclude(run=run)
    ]


def export_run_redo(
    *, connection: Connection, exports: list[InvoiceExport], user=None, selection: str = "",
    gone: frozenset[int] = frozenset(),
) -> ExportRun:  # fmt: skip
    """Export these invoices' drafts again, as our ledger has them: a run with each invoice's
    next job revision. A draft still in e-conomic (its totals changed there) is named on the job,
    which reads it, finds it is not ours and replaces it (`draft_totals_checked`); one deleted
    (the invoice ids in `gone`) is made anew. Only unbooked drafts: a booked invoice is never
    sent twice."""
    refused = [Blocker(str(export.invoice), _("is booked in e-conomic, or was never sent as a "
                       "draft, so it cannot be sent again."), _("Correct it in e-conomic, then "
                       "mark the finding handled."))
               for export in exports
               if export.booked_number is not None or export.draft_number is None]  # fmt: skip
    if refused or not exports:
        raise Refused(refused or [
            Blocker(_("The selection"), _("holds no invoice."), _("Choose one."))
        ])  # fmt: skip
    code = installation_code()
    with transaction.atomic():
        run = _create_run(connection, ExportMethod.DRAFT, {}, user, selection,
                          [export.invoice for export in exports])  # fmt: skip
        for export in exports:
            _redo_job(run, export, code, export.invoice_id in gone)
        export_run_enqueue(run=run)
    return run


def _redo_job(run: ExportRun, export: InvoiceExport, installation: str, gone: bool) -> ExportJob:
    earlier = ExportJob.objects.filter(
        connection=run.connection, kind=JobKind.INVOICE, object_id=export.invoice_id
    )
    revision = (earlier.aggregate(last=Max("revision"))["last"] or 0) + 1
    deleted = gone or export.draft_deleted_at is not None
    return ExportJob.objects.create(
        connection=run.connection, run=run, kind=JobKind.INVOICE, object_id=export.invoice_id,
        revision=revision, method=ExportMethod.DRAFT, not_before=timezone.now(),
        reference=invoice_reference(export.invoice, installation=installation),
        key=job_key(connection_id=run.connection_id, kind=JobKind.INVOICE,
                    object_id=export.invoice_id, revision=revision, installation=installation),
        # The draft to replace; its PDF stays with it (the replacement carries none).
        draft_number=None if deleted else export.draft_number, pdf_attached=not deleted,
    )  # fmt: skip


def _ring_left(run_ids: set[int]) -> None:
    # A run that gave its last open invoices up has no job left to ring its task, which would
    # finish it; without this it would stay running until someone opened its progress page.
    for run in ExportRun.objects.filter(pk__in=run_ids, finished_at=None):
        export_run_enqueue(run=run, workers=1)


def export_run_enqueue(*, run: ExportRun, workers: int | None = None) -> None:
    """Ring the doorbell: one task per worker (EXPORT_TASKS, else this machine's workers),
    each claims jobs until none is due. Queued after the commit."""
    export_run_tasks_enqueue(
        run_id=run.pk,
        tasks=workers or settings.EXPORT_TASKS or settings.Q_CLUSTER.get("workers", 1),
        task_name=f"export run {run.pk}",
    )


def export_task_budget() -> float:
    """How long one task may work on a run: half of django-q2's timeout, which kills a task
    that outlives it (mid-call, leaving its job to the lease and the sweeper), so that the
    slowest call (a read timeout and its retries) still ends inside it."""
    return settings.Q_CLUSTER.get("timeout", 300) / 2


def export_run_work(
    *, run: ExportRun, client: EconomicClient | None = None, patience: float = 10,
    budget: float | None = None, share: tuple[int, int] = (0, 1),
) -> int:  # fmt: skip
    """Send the run's jobs until none is left open, waiting for jobs due within `patience`
    seconds (an invoice waiting for its customer); longer backoffs are left to the sweeper.
    With a `budget` (seconds), stop once it is spent and ring for a task that carries on.
    `share`: see export_process."""
    client = client or run_client(connection=run.connection, run=run)
    context = ExportContext.load(
        connection=run.connection, overrides=run.overrides, method=run.method
    )
    deadline = time.monotonic() + budget if budget is not None else None
    handled = 0
    while True:
        handled += export_process(
            connection=run.connection, run=run, client=client, context=context,
            deadline=deadline, share=share,
        )  # fmt: skip
        soon = clock.now() + datetime.timedelta(seconds=patience)
        # Jobs in flight are their workers' (each waits out its own job's backoff, and a lost
        # worker's lease is the sweeper's): a task that waited for them would hold its worker
        # idle at every run's end, while another run's tasks queue.
        waiting = ExportJob.objects.filter(run=run).exclude(
            state__in=(*TERMINAL_STATES, JobState.IN_FLIGHT)
        )
        due_soon = waiting.filter(not_before__lte=soon)
        if not due_soon.exists():
            return handled
        if past(deadline) or due_soon.filter(error_kind=ErrorKind.BUDGET).exists():
            # This task's place passes to a fresh one, so as many workers as were rung keep
            # working on the run; and a run whose agreement's bucket is empty holds no worker:
            # the tasks queued before its next one (another agreement's) get it first.
            time.sleep(0.2)
            export_run_enqueue(run=run, workers=1)
            return handled
        time.sleep(0.2)


def export_run_refresh(*, run: ExportRun) -> ExportRun:
    """Bring the run's state up to date; when every invoice is done or failed, finish it and
    raise its alert (once) if any failed."""
    run.refresh_from_db()
    if run.dry_run or run.finished_at:
        return run
    open_jobs = run.jobs.filter(kind=JobKind.INVOICE).exclude(state__in=TERMINAL_STATES)
    if not open_jobs.exists():
        state = RunState.DONE_WITH_ERRORS if run.failed else RunState.DONE
        finished = ExportRun.objects.filter(pk=run.pk, finished_at=None).update(
            state=state, finished_at=timezone.now()
        )
        if finished:
            export_run_alert(run=run)
    run.refresh_from_db()
    return run


def export_run_status(*, run: ExportRun) -> dict:
    """What the progress bar shows: counts and an estimate of the time left."""
    run = export_run_refresh(run=run)
    elapsed = (
        ((run.finished_at or timezone.now()) - run.started_at).total_seconds()
        if run.started_at
        else 0
    )
    finished = run.done + run.failed
    left = (elapsed / finished) * (run.total - finished) if finished and not run.finished_at else 0
    return {
        "state": run.state, "state_label": _state_label(run), "done": run.done,
        "failed": run.failed, "total": run.total, "seconds_left": round(left),
        "finished": bool(run.finished_at),
    }  # fmt: skip


def _state_label(run: ExportRun) -> str:
    """The run's state in words; a run whose agreement has used up the day's calls is paused
    until midnight, and says so."""
    if run.finished_at is None and run.state == RunState.RUNNING:
        paused_until = budget_usage(connection=run.connection).paused_until
        if paused_until is not None:
            return _("Paused until %(time)s UTC: the agreement has used up today's calls") % {
                "time": f"{paused_until:%H:%M}"
            }
    return run.get_state_display()

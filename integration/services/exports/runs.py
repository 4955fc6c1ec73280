"""Export runs: what a person asks for in the export dialog or with `manage.py export_invoices`.

A run refuses to start while the setup check or any invoice has a blocker (nothing is written
anywhere then); otherwise it writes its jobs in one transaction and rings django-q2 after the
commit. A dry run writes no jobs and calls nothing: it shows per invoice exactly what would be
sent, and every blocker.
"""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts_app.models import Invoice
from integration.economic import payloads
from integration.models import (
    Connection,
    ExportJob,
    ExportRun,
    JobKind,
    JobState,
    RunState,
)
from integration.models.connection import ExportMethod
from integration.models.exports import TERMINAL_STATES
from integration.services.enqueue import export_run_tasks_enqueue
from integration.services.exports.context import (
    Blocker,
    ExportContext,
    Refused,
    invoices_for_export,
)
from integration.services.exports.jobs import export_jobs_move, job_key
from integration.services.exports.snapshots import (
    invoice_blockers,
    invoice_reference,
    invoice_snapshot,
)
from integration.services.mappings import customer_link
from integration.services.setup_check import setup_check, setup_require_ready

OVERRIDE_KEYS = ("layout_number", "payment_terms_number", "vat_zone_number", "customer_number")


def export_run_start(
    *, connection: Connection, invoices: QuerySet[Invoice], method: str = "",
    overrides: dict | None = None, user=None, selection: str = "", dry_run: bool = False,
) -> ExportRun:  # fmt: skip
    """Check, then queue the export of `invoices`. Raises SetupBlocked or Refused (with every
    blocker) before anything is written; a dry run never raises for blockers, it reports them."""
    overrides = {
        key: value for key, value in (overrides or {}).items() if key in OVERRIDE_KEYS and value
    }
    method = method or connection.export_method
    if dry_run:
        return _dry_run(connection, invoices, method, overrides, user, selection)
    setup_require_ready(connection=connection, invoices=invoices)
    context = ExportContext.load(connection=connection, overrides=overrides)
    chosen = list(invoices_for_export(invoices.values_list("pk", flat=True)))
    _apply_customer_override(chosen, context)
    blockers = [blocker for invoice in chosen for blocker in invoice_blockers(invoice, context)]
    if blockers:
        raise Refused(blockers)
    with transaction.atomic():
        run = _create_run(connection, method, overrides, user, selection, chosen)
        _link_chosen_customer(chosen, context)
        left = _create_jobs(run, chosen, context)
        export_run_enqueue(run=run)
        transaction.on_commit(lambda: _ring_left(left))
    return run


def _apply_customer_override(chosen: list[Invoice], context: ExportContext) -> None:
    number = context.overrides.get("customer_number")
    if not number:
        return
    customers = {invoice.customer_id for invoice in chosen}
    if len(customers) != 1:
        raise Refused([Blocker("The selection", "holds invoices of several customers, so one "
                               "e-conomic customer cannot be chosen for all.",
                               "Export one customer's invoices at a time, or leave the "
                               "customer to the links.")])  # fmt: skip
    context.customers[customers.pop()] = int(number)


def _link_chosen_customer(chosen: list[Invoice], context: ExportContext) -> None:
    # The choice is kept as the customer's link, so later exports do not ask again.
    if context.overrides.get("customer_number") and chosen:
        customer_link(connection=context.connection, customer=chosen[0].customer,
                      remote_number=int(context.overrides["customer_number"]))  # fmt: skip


def _create_run(connection, method, overrides, user, selection, chosen) -> ExportRun:
    return ExportRun.objects.create(
        connection=connection, method=method, overrides=overrides, created_by=user,
        selection=selection or f"{len(chosen)} invoices", total=len(chosen),
        state=RunState.QUEUED,
    )  # fmt: skip


def _create_jobs(run: ExportRun, chosen: list[Invoice], context: ExportContext) -> set[int]:
    """Write the run's jobs, taking over earlier ones not done (see `export_jobs_move`);
    answer the runs that gave invoices up to it."""
    wanted = _wanted(chosen, context)
    jobs = [_job(run, kind, object_id, reference) for kind, object_id, reference in wanted]
    moves = export_jobs_move(jobs=[job for job, created in jobs if not created], run=run)
    exported = sum(1 for job in moves.done if job.kind == JobKind.INVOICE)
    if exported:
        # Exported before: not part of this run's work.
        ExportRun.objects.filter(pk=run.pk).update(total=F("total") - exported)
    return moves.left_run_ids


def _wanted(chosen: list[Invoice], context: ExportContext) -> list[tuple[str, int, str]]:
    """(kind, object id, reference) of each job the run needs: the customers and projects
    e-conomic lacks, then the invoices."""
    customers = {invoice.customer_id for invoice in chosen} - set(context.customers)
    wanted = [(JobKind.CUSTOMER, customer_id, f"LB-CUS-{customer_id}")
              for customer_id in sorted(customers)]  # fmt: skip
    if context.connection.sync_projects:
        projects = {invoice.project_id for invoice in chosen if invoice.project_id}
        wanted += [(JobKind.PROJECT, project_id, f"LB-PRJ-{project_id}")
                   for project_id in sorted(projects - set(context.projects))]  # fmt: skip
    return wanted + [
        (JobKind.INVOICE, invoice.pk, invoice_reference(invoice)) for invoice in chosen
    ]


def _job(run: ExportRun, kind: str, object_id: int, reference: str) -> tuple[ExportJob, bool]:
    """This object's job: new, and True; or the earlier one (an object has one per revision)."""
    connection = run.connection
    return ExportJob.objects.get_or_create(
        connection=connection, kind=kind, object_id=object_id, revision=1,
        defaults={
            "run": run, "method": run.method, "reference": reference, "not_before": timezone.now(),
            "key": job_key(connection_id=connection.pk, kind=kind, object_id=object_id, revision=1),
        },
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


def export_run_begin(*, run: ExportRun) -> None:
    """A worker has taken the run up: queued becomes running, once. Until then the progress
    page says queued, which is what a person needs to see when no worker is running."""
    if run.started_at is None:
        now = timezone.now()
        if ExportRun.objects.filter(pk=run.pk, started_at=None, finished_at=None).update(
            started_at=now, state=RunState.RUNNING
        ):
            run.started_at, run.state = now, RunState.RUNNING


def export_run_refresh(*, run: ExportRun) -> ExportRun:
    """Bring the run's state up to date; when every invoice is done or failed, finish it and
    send the digest (once)."""
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
            export_run_send_digest(run=run)
    run.refresh_from_db()
    return run


def export_run_send_digest(*, run: ExportRun) -> bool:
    """One e-mail per run to the connection's error address, listing every invoice that needs a
    person, with the reason and the fix."""
    problems = list(
        run.jobs.filter(state__in=(JobState.FAILED, JobState.DEAD)).values_list(
            "last_error", flat=True
        )
    )
    address = run.connection.error_email
    if not problems or not address:
        return False
    claimed = ExportRun.objects.filter(pk=run.pk, digest_sent_at=None).update(
        digest_sent_at=timezone.now()
    )
    if not claimed:
        return False
    body = "\n\n".join(f"- {problem}" for problem in problems)
    send_mail(
        subject=f"e-conomic export {run.pk}: {len(problems)} invoices need attention",
        message=f"{run}: {run.done} of {run.total} invoices exported; these were not:\n\n{body}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
    )
    return True


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
        "state": run.state, "state_label": run.get_state_display(), "done": run.done,
        "failed": run.failed, "total": run.total, "seconds_left": round(left),
        "finished": bool(run.finished_at),
    }  # fmt: skip


# -- dry run -----------------------------------------------------------------------------------


def _dry_run(connection, invoices, method, overrides, user, selection) -> ExportRun:
    report = setup_check(connection=connection, invoices=invoices)
    context = ExportContext.load(connection=connection, overrides=overrides)
    chosen = invoices_for_export(invoices.values_list("pk", flat=True))
    if overrides.get("customer_number") and len({i.customer_id for i in chosen}) == 1:
        context.customers[chosen[0].customer_id] = int(overrides["customer_number"])
    findings = {
        "setup_blockers": [f"{finding.message} Fix: {finding.fix}" for finding in report.blockers],
        "invoices": [_dry_run_invoice(invoice, context, method) for invoice in chosen],
    }
    return ExportRun.objects.create(
        connection=connection, method=method, overrides=overrides, created_by=user,
        selection=selection or f"{len(chosen)} invoices (dry run)", dry_run=True,
        total=len(chosen), state=RunState.DONE, report=findings, finished_at=timezone.now(),
    )  # fmt: skip


def _dry_run_invoice(invoice: Invoice, context: ExportContext, method: str) -> dict:
    blockers = [str(blocker) for blocker in invoice_blockers(invoice, context)]
    entry = {
        "invoice": str(invoice),
        "number": invoice.number,
        "method": method,
        "blockers": blockers,
    }
    if blockers:
        return entry
    snapshot = invoice_snapshot(invoice, context)
    customer = context.customers.get(invoice.customer_id)
    entry.update(
        customer=customer or f"new e-conomic customer for {invoice.customer}",
        reference=snapshot.reference, layout=snapshot.layout_number,
        payment_terms=snapshot.payment_terms_number, vat_zone=snapshot.vat_zone_number,
        currency=snapshot.currency, net=str(snapshot.net_total), vat=str(snapshot.vat_total),
        gross=str(snapshot.gross_total),
        lines=[{**asdict(line), "quantity": str(line.quantity), "unit_price": str(line.unit_price),
                "discount_percent": str(line.discount_percent), "net_amount": str(line.net_amount),
                "vat_amount": str(line.vat_amount)} for line in snapshot.lines],
        document=payloads.draft_invoice_payload(snapshot) if customer else None,
    )  # fmt: skip
    if method == ExportMethod.VOUCHER:
        entry["accounting_year"] = context.accounting_year_for(invoice.issue_date)
    return entry

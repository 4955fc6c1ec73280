"""The outbox cycle of one job: claim -> call -> record.

1. claim: a conditional UPDATE that only one worker can win (works on SQLite, where
   select_for_update does nothing), taking a lease and counting the attempt;
2. call e-conomic outside any transaction (the callers do that);
3. record the outcome in a short transaction, again conditionally: a worker whose lease ran
   out and was taken over records nothing, and the document it may have written is found by
   its reference by whoever holds the job now.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from integration import clock
from integration.economic.errors import DailyCapReached, EconomicError, HeldBack
from integration.models import ErrorKind, ExportJob, ExportRun, JobKind, JobState, RunState
from integration.services.enqueue import export_connection_tasks_enqueue, export_run_tasks_enqueue
from integration.services.exports.job_alerts import (
    export_job_alert,
    export_job_alert_resolve,
    export_run_alert_resolve,
)

CLAIMABLE = (JobState.PENDING, JobState.NEEDS_RECONCILE)


def export_settings() -> dict:
    defaults = {"lease_seconds": 120, "max_attempts": 8, "backoff_seconds": 5, "backoff_cap": 900}
    return {**defaults, **getattr(settings, "ECONOMIC_EXPORT", {})}


@dataclass(frozen=True)
class Claim:
    job: ExportJob
    reconcile: bool  # the answer to an earlier attempt was lost: look it up before sending


def export_job_claim(*, job: ExportJob) -> Claim | None:
    """Take the job if it is due, nobody holds it and it is as it was read (`updated_at`, which
    every write to a job sets): then the row read is the row claimed, and nothing needs reading
    again. None: another worker has it, it is not due, or it changed since (read it again)."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=export_settings()["lease_seconds"])
    won = ExportJob.objects.filter(
        pk=job.pk, state__in=CLAIMABLE, not_before__lte=clock.now(), updated_at=job.updated_at
    ).update(state=JobState.IN_FLIGHT, lease_until=lease, attempts=job.attempts + 1, updated_at=now)
    if not won:
        return None
    reconcile = job.state == JobState.NEEDS_RECONCILE
    # Kept on the instance: a job held back for budget goes back to being looked up first.
    job.claimed_for_lookup = reconcile
    job.state, job.lease_until, job.attempts, job.updated_at = (
        JobState.IN_FLIGHT, lease, job.attempts + 1, now
    )  # fmt: skip
    return Claim(job=job, reconcile=reconcile)


def _held(job: ExportJob):
    """The job, only while this worker's claim still stands."""
    return ExportJob.objects.filter(pk=job.pk, state=JobState.IN_FLIGHT, attempts=job.attempts)


def export_job_progress(*, job: ExportJob, **numbers) -> bool:
    """Keep what a step produced (a draft number, an attached PDF) and renew the lease, so the
    next step, or a later attempt, goes on from there."""
    lease = timezone.now() + datetime.timedelta(seconds=export_settings()["lease_seconds"])
    kept = _held(job).update(lease_until=lease, updated_at=timezone.now(), **numbers)
    for name, value in numbers.items():
        setattr(job, name, value)
    return bool(kept)


def export_job_done(
    *, job: ExportJob, on_done: Callable[[], None] | None = None, **numbers
) -> bool:
    """Record the job done; `on_done` writes what follows from it (the invoice's export row) in
    the same transaction, so a finished job never lacks it."""
    with transaction.atomic():
        now = timezone.now()
        done = {"state": JobState.DONE, "lease_until": None, "finished_at": now,
                "updated_at": now, "last_error": "", "error_kind": "", **numbers}  # fmt: skip
        # Still in the run it was read with (as good as always): then that run counts it with
        # no subquery to find it. The job's row stays locked to the commit, so no run can take
        # it over between the two statements (export_jobs_move waits, then finds it done).
        in_run = _held(job).filter(run=job.run_id).update(**done)
        finished = in_run or _held(job).update(**done)
        if finished:  # what the row now holds, without reading it back
            job.state, job.lease_until, job.last_error, job.error_kind = JobState.DONE, None, "", ""
            job.finished_at = job.updated_at = now
            for name, value in numbers.items():
                setattr(job, name, value)
            _count(job, done=1, run_id=job.run_id if in_run else None)
            export_job_alert_resolve(job=job)
            if on_done is not None:
                on_done()
    return bool(finished)


def export_jobs_done(
    *, done: list[tuple[ExportJob, dict]], on_done: Callable[[list[ExportJob]], None]
) -> list[ExportJob]:
    """Record several jobs done in one short transaction (a voucher batch answered in one
    call, drafts answered one by one): (job, numbers) each; `on_done` gets the ones this
    worker still held."""
    with transaction.atomic():
        now = timezone.now()
        kept = _jobs_mark_done(done, now)
        finished = []
        for job, numbers in done:
            if job.pk not in kept:
                continue  # taken over after this worker's lease ran out
            job.state, job.lease_until, job.last_error, job.error_kind = JobState.DONE, None, "", ""
            job.finished_at = job.updated_at = now
            for name, value in numbers.items():
                setattr(job, name, value)
            finished.append(job)
            export_job_alert_resolve(job=job)
        invoices = [job.pk for job in finished if job.kind == JobKind.INVOICE]
        if invoices:
            _count_done(invoices)
        if finished:
            on_done(finished)
    return finished


def _jobs_mark_done(done: list[tuple[ExportJob, dict]], now) -> set[int]:
    """Each job done with its numbers where this worker's claim still stands (`_held`): the
    ORM's UPDATE for each, written once and sent in one round trip (executemany), as a batch's
    record is most of what a draft costs our side. Answers the jobs it recorded."""
    fixed = {"state": JobState.DONE, "lease_until": None, "finished_at": now, "updated_at": now,
             "last_error": "", "error_kind": ""}  # fmt: skip
    changed = 0
    groups: dict[tuple, list] = {}
    for job, numbers in done:
        groups.setdefault(tuple(sorted(numbers)), []).append((job, numbers))
    for names, jobs in groups.items():
        fields = [ExportJob._meta.get_field(name) for name in (*fixed, *names)]
        quote, meta = connection.ops.quote_name, ExportJob._meta
        where = (meta.pk.column, meta.get_field("state").column, meta.get_field("attempts").column)
        sql = (
            f"UPDATE {quote(meta.db_table)} SET "
            + ", ".join(f"{quote(field.column)} = %s" for field in fields)
            + " WHERE " + " AND ".join(f"{quote(column)} = %s" for column in where)
        )
        rows = [
            [field.get_db_prep_save({**fixed, **numbers}[field.name], connection)
             for field in fields] + [job.pk, JobState.IN_FLIGHT, job.attempts]
            for job, numbers in jobs
        ]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
            changed += cursor.rowcount
    if changed == len(done):
        return {job.pk for job, _ in done}
    # A job taken over meanwhile counts another attempt: the others end now, by this worker.
    claims = Q(pk__in=[])
    for job, _ in done:
        claims |= Q(pk=job.pk, attempts=job.attempts)
    found = ExportJob.objects.filter(claims, state=JobState.DONE, finished_at=now)
    return set(found.values_list("pk", flat=True))


def error_about(error: EconomicError, subject: str) -> EconomicError:
    """The same error, its message led by what it is about ("Invoice 12: ...")."""
    held = {"resume_at": error.resume_at} if isinstance(error, HeldBack) else {}
    return type(error)(
        f"{subject}: {error.message}", status=error.status, code=error.code, body=error.body,
        retry_after=error.retry_after, ambiguous=error.ambiguous, **held,
    )  # fmt: skip


def export_job_fail(*, job: ExportJob, error: EconomicError | str, kind: str = "") -> str:
    """Record a failure and answer the state it left the job in: transient -> pending with
    backoff (or needs_reconcile when the write may have been applied); permanent or
    configuration -> failed; attempts spent -> dead."""
    if isinstance(error, HeldBack):
        return export_job_hold(job=job, error=error)
    kind = kind or getattr(error, "kind", ErrorKind.PERMANENT)
    message = str(error)
    if kind == ErrorKind.TRANSIENT:
        state = _after_transient(job, error)
    else:
        state = JobState.FAILED
    not_before = timezone.now() + _backoff(job, getattr(error, "retry_after", None))
    with transaction.atomic():
        changed = _held(job).update(
            state=state, lease_until=None, not_before=not_before, last_error=message[:4000],
            error_kind=kind, updated_at=timezone.now(),
            finished_at=timezone.now() if state in (JobState.FAILED, JobState.DEAD) else None,
        )  # fmt: skip
        job.refresh_from_db()
        if changed and state in (JobState.FAILED, JobState.DEAD):
            _count(job, failed=1)
            export_job_alert(job=job)  # in the same transaction: no failure goes untold
    return job.state


def _after_transient(job: ExportJob, error) -> str:
    if job.attempts >= export_settings()["max_attempts"]:
        # Spent. A person's Retry looks the document up first (see export_job_retry).
        return JobState.DEAD
    return JobState.NEEDS_RECONCILE if getattr(error, "ambiguous", False) else JobState.PENDING


def _backoff(job: ExportJob, retry_after: float | None) -> datetime.timedelta:
    config = export_settings()
    exponential = config["backoff_seconds"] * 2 ** max(job.attempts - 1, 0)
    seconds = min(config["backoff_cap"], exponential) * random.uniform(0.8, 1.2)
    return datetime.timedelta(seconds=max(seconds, retry_after or 0))


def export_job_hold(*, job: ExportJob, error: HeldBack) -> str:
    """Nothing went, or e-conomic refused it before applying anything, for want of budget: the
    job waits for `error.resume_at` and gets its attempt back, and no worker waits with it.
    When the day is used up, every due job of the connection waits for the same midnight."""
    resume = datetime.datetime.fromtimestamp(error.resume_at, tz=datetime.UTC)
    state = (
        JobState.NEEDS_RECONCILE if getattr(job, "claimed_for_lookup", True) else JobState.PENDING
    )
    _held(job).update(
        state=state, lease_until=None, attempts=F("attempts") - 1, not_before=resume,
        last_error=str(error)[:4000], error_kind=ErrorKind.BUDGET, updated_at=timezone.now(),
    )  # fmt: skip
    if isinstance(error, DailyCapReached):
        ExportJob.objects.filter(
            connection=job.connection_id, state__in=CLAIMABLE, not_before__lt=resume
        ).update(not_before=resume, last_error=str(error)[:4000], error_kind=ErrorKind.BUDGET)
    job.refresh_from_db()
    return job.state


def export_job_release(*, job: ExportJob, seconds: float = 2.0) -> None:
    """Give the job back without counting the attempt (what it waits for is not ready yet)."""
    _held(job).update(
        state=JobState.PENDING, lease_until=None, attempts=F("attempts") - 1,
        not_before=timezone.now() + datetime.timedelta(seconds=seconds), updated_at=timezone.now(),
    )  # fmt: skip


def _run_of(job_ids: list[int]):
    # The run the job's row names now, not the one read at the claim: a run started since may
    # have taken the job over (export_jobs_move), and then that run counts it. Read inside the
    # statement that counts, so it costs no round trip of its own.
    return ExportJob.objects.filter(pk__in=job_ids).values("run_id")


def _count(job: ExportJob, *, done: int = 0, failed: int = 0, run_id: int | None = None) -> None:
    """Count the job on its run: `run_id` when the caller knows the row names it, else the run
    the row names now. Progress counts invoices only: customers and projects are steps."""
    if job.kind != JobKind.INVOICE:
        return
    runs = ExportRun.objects.filter(pk=run_id) if run_id else ExportRun.objects.filter(
        pk__in=_run_of([job.pk])
    )  # fmt: skip
    if failed:
        runs.update(done=F("done") + done, failed=F("failed") + failed)
    else:
        runs.update(done=F("done") + done)


def _count_done(job_ids: list[int]) -> None:
    """Count a batch of finished invoice jobs in one statement, each on its row's run."""
    per_run = (
        ExportJob.objects.filter(pk__in=job_ids, run=OuterRef("pk"))
        .order_by().values("run").annotate(count=Count("pk")).values("count")
    )  # fmt: skip
    ExportRun.objects.filter(pk__in=_run_of(job_ids)).update(done=F("done") + Subquery(per_run))


def _again(job: ExportJob) -> dict:
    """What a failed or dead job's row becomes to go again, looked up first (it may have been
    sent). The key changes, because e-conomic replays the first answer (the refusal) to the old
    one for an hour; the lookup by reference is what keeps the document single."""
    return {
        "state": JobState.NEEDS_RECONCILE, "attempts": 0, "not_before": timezone.now(),
        "key": f"{job.key.split('~')[0]}~{timezone.now().strftime('%Y%m%d%H%M%S%f')}",
        "finished_at": None, "updated_at": timezone.now(),
    }  # fmt: skip


def export_job_retry(*, job: ExportJob) -> bool:
    """A person fixed the cause: the job goes again within its run (see `_again`)."""
    with transaction.atomic():
        retried = ExportJob.objects.filter(
            pk=job.pk, state__in=(JobState.FAILED, JobState.DEAD)
        ).update(**_again(job))
        if retried and job.run_id:
            export_run_alert_resolve(run_id=job.run_id, connection_id=job.connection_id)
        elif retried:
            export_job_alert_resolve(job=job)
        if retried and job.kind == JobKind.INVOICE:
            # The run is open again until the retried invoice is done or fails once more.
            ExportRun.objects.filter(pk__in=_run_of([job.pk]), failed__gt=0).update(
                failed=F("failed") - 1, finished_at=None, state=RunState.RUNNING
            )
    return bool(retried)


def export_jobs_retry(*, jobs: Iterable[ExportJob]) -> list[ExportJob]:
    """Retry each job (see `export_job_retry`) and, after the commit, queue a task for its run,
    or for its connection when it belongs to no run. Answers the jobs that go again."""
    retried = [job for job in jobs if export_job_retry(job=job)]
    for run_id in {job.run_id for job in retried if job.run_id}:
        export_run_tasks_enqueue(run_id=run_id)
    export_connection_tasks_enqueue(
        connection_ids={job.connection_id for job in retried if not job.run_id}
    )
    return retried


@dataclass(frozen=True)
class Moves:
    done: list[ExportJob]  # done before, so not moved: an invoice is never sent twice
    left_run_ids: set[int]  # the runs that gave invoices up


def export_jobs_move(*, jobs: list[ExportJob], run: ExportRun) -> Moves:
    """Take earlier jobs into `run`, except the done ones. A failed or dead one goes again,
    looked up first; a pending or in-flight one goes on as it is, counted by `run` when it
    ends. The runs they leave no longer count them, and are not reopened."""
    done, lost = [], {}  # lost: run id -> (invoices, of which failed)
    with transaction.atomic():
        # Jobs in id order first, the runs they left after: the order in which a worker that
        # records outcomes takes the same row locks, so on PostgreSQL neither ever holds what
        # the other waits for (a deadlock, which would end one of them).
        for job in sorted(jobs, key=lambda job: job.pk):
            moved = _move(job, run)
            if moved is None:
                done.append(job)
                continue
            left_run_id, failed = moved
            if left_run_id is not None and job.kind == JobKind.INVOICE:
                invoices, failures = lost.get(left_run_id, (0, 0))
                lost[left_run_id] = (invoices + 1, failures + failed)
        for run_id in sorted(lost):
            _uncount(run_id, *lost[run_id])
    return Moves(done=done, left_run_ids=set(lost))


def _move(job: ExportJob, run: ExportRun) -> tuple[int | None, bool] | None:
    """Move one job: answer the run it left and whether it had failed there; None if done."""
    while job.state != JobState.DONE:
        failed = job.state in (JobState.FAILED, JobState.DEAD)
        changes = {"run": run, "method": run.method, "updated_at": timezone.now()}
        if failed:
            changes.update(_again(job))
        # Only the row as it was read moves: a job that ended meanwhile was counted where it
        # was, and moving it after that would count it on two runs.
        if ExportJob.objects.filter(pk=job.pk, state=job.state, run=job.run_id).update(**changes):
            return (job.run_id if job.run_id != run.pk else None), failed
        # It changed since it was read (a worker finished or claimed it, another run took it).
        job.refresh_from_db()
    return None


def _uncount(run_id: int, invoices: int, failed: int) -> None:
    """The run no longer holds these invoices. A finished run keeps its end, and reads done
    once no failure of its own is left; an unfinished one ends when nothing of its own is open
    (export_run_refresh)."""
    # The CASE reads `failed` as it was before this UPDATE, as every SET expression does.
    ExportRun.objects.filter(pk=run_id).update(
        total=F("total") - invoices, failed=F("failed") - failed,
        state=Case(
            When(finished_at=None, then=F("state")),
            When(failed__gt=failed, then=Value(RunState.DONE_WITH_ERRORS)),
            default=Value(RunState.DONE),
        ),
    )  # fmt: skip


def export_jobs_expire_leases() -> int:
    """In-flight jobs whose worker vanished: their write may have happened, so they are looked
    up, never simply sent again."""
    return ExportJob.objects.filter(
        state=JobState.IN_FLIGHT, lease_until__lt=timezone.now()
    ).update(
        state=JobState.NEEDS_RECONCILE, lease_until=None, not_before=timezone.now(),
        updated_at=timezone.now(),
    )  # fmt: skip

"""What a person is told of export jobs: a run's failures as one alert for the run; a job of no
run (the automatic export, a pushed customer or project) that failed for good as one alert for
its object, resolved once a job for that object is done."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from integration.models import AlertKind, ErrorKind, ExportJob, ExportRun, JobKind, JobState
from integration.services.alerts import admin_url, alert_raise, alert_resolve

FIXES = {
    ErrorKind.CONFIGURATION: gettext_lazy(
        "Correct the connection's set-up as the message says (tokens, roles, modules), run Test "
        "connection, then select the job and Retry."
    ),
    ErrorKind.PERMANENT: gettext_lazy(
        "Correct what e-conomic refused (the message names it) in the ledger or the mappings, "
        "then select the job and Retry."
    ),
    ErrorKind.TRANSIENT: gettext_lazy(
        "e-conomic kept failing; once it answers again, select the job and Retry (it is looked "
        "up first, never sent twice)."
    ),
}


def _kind(job: ExportJob) -> str:
    return AlertKind.AUTOMATIC_EXPORT if job.kind == JobKind.INVOICE else AlertKind.PUSH


def _key(job: ExportJob) -> str:
    return f"{job.kind} {job.object_id}"


def export_job_alert(*, job: ExportJob) -> None:
    """A job of no run ended failed or dead: tell a person (a run's jobs are told by the run)."""
    if job.run_id is not None or job.state not in (JobState.FAILED, JobState.DEAD):
        return
    text = job.last_error or _("%(kind)s %(id)s was not sent.") % {
        "kind": job.get_kind_display(),
        "id": job.object_id,
    }
    if job.state == JobState.DEAD:
        gave_up = ngettext(
            "Gave up after %(count)d attempt.", "Gave up after %(count)d attempts.", job.attempts
        )
        text = f"{gave_up % {'count': job.attempts}} {text}"
    alert_raise(
        connection=job.connection, kind=_kind(job), key=_key(job), text=text,
        fix=str(FIXES.get(job.error_kind, FIXES[ErrorKind.PERMANENT])),
        url=admin_url("integration_exportjob_change", job.pk),
    )  # fmt: skip


def export_job_alert_resolve(*, job: ExportJob) -> None:
    """A job of no run was done or is tried again: its object's alert is no longer open."""
    if job.run_id is None:
        alert_resolve(connection=job.connection_id, kind=_kind(job), key=_key(job))


def export_run_alert(*, run: ExportRun) -> bool:
    """A finished run with invoices that need a person: one alert listing each with its
    reason. Answers whether it raised one."""
    problems = list(
        run.jobs.filter(state__in=(JobState.FAILED, JobState.DEAD)).values_list(
            "last_error", flat=True
        )
    )
    if not problems:
        return False
    listed = "\n".join(f"  - {problem}" for problem in problems)
    alert_raise(
        connection=run.connection, kind=AlertKind.RUN, key=f"run {run.pk}",
        text=ngettext(
            "%(run)s: %(done)d of %(total)d invoices exported; %(count)d invoice needs "
            "attention:\n%(listed)s",
            "%(run)s: %(done)d of %(total)d invoices exported; %(count)d invoices need "
            "attention:\n%(listed)s",
            len(problems),
        ) % {"run": run, "done": run.done, "total": run.total, "count": len(problems),
             "listed": listed},
        fix=_("Fix each cause named, then open the run, select its failed jobs and Retry."),
        url=admin_url("integration_exportrun_change", run.pk),
    )  # fmt: skip
    return True


def export_run_alert_resolve(*, run_id: int, connection_id: int) -> None:
    """The run's failed jobs go again: its alert closes (raised anew if they fail again)."""
    alert_resolve(connection=connection_id, kind=AlertKind.RUN, key=f"run {run_id}")

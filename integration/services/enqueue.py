"""Every integration task the product queues, by name; queued through the ledger's
`tasks_enqueue` (`accounts_app/enqueue.py`), the one place that calls django-q2, after the
commit. The schedules use the same name constants.
"""

from __future__ import annotations

from collections.abc import Iterable

from accounts_app.enqueue import QueuedTask, tasks_enqueue

EXPORT_RUN_TASK = "integration.tasks.export_run_task"
EXPORT_JOB_TASK = "integration.tasks.export_job_task"
EXPORT_CONNECTION_TASK = "integration.tasks.export_connection_task"
EXPORTS_SWEEP_TASK = "integration.tasks.exports_sweep_task"
PAYMENTS_IMPORT_TASK = "integration.tasks.payments_import_task"
REFERENCE_REFRESH_ALL_TASK = "integration.tasks.reference_refresh_all_task"
ALERTS_DIGEST_TASK = "integration.tasks.alerts_digest_task"
ALERTS_DIGEST_ALL_TASK = "integration.tasks.alerts_digest_all_task"
WORKER_HEARTBEAT_TASK = "integration.tasks.worker_heartbeat_task"
RECONCILE_TASK = "integration.tasks.reconcile_task"
RECONCILE_ALL_TASK = "integration.tasks.reconcile_all_task"

PAYMENTS_GROUP = "e-conomic payments"


def export_run_tasks_enqueue(*, run_id: int, tasks: int = 1, task_name: str | None = None) -> None:
    """Queue `tasks` tasks that work through the run's due jobs (each claims jobs until none
    is due, so several may work on one run at once), each told its share of them."""
    tasks_enqueue(
        QueuedTask(EXPORT_RUN_TASK, (run_id,),
                   {"task_name": task_name, "part": part, "parts": tasks})
        for part in range(tasks)
    )  # fmt: skip


def export_job_tasks_enqueue(*, job_ids: Iterable[int]) -> None:
    """Queue one task per job that belongs to no run (the automatic export, a changed card)."""
    tasks_enqueue(QueuedTask(EXPORT_JOB_TASK, (job_id,)) for job_id in job_ids)


def export_connection_tasks_enqueue(*, connection_ids: Iterable[int]) -> None:
    """Queue one task per connection to send its due jobs that belong to no run."""
    tasks_enqueue(
        QueuedTask(EXPORT_CONNECTION_TASK, (connection_id,)) for connection_id in connection_ids
    )


def payments_import_task_enqueue(
    *, connection_id: int, trigger: str, numbers: list[int] | None = None
) -> None:
    """Queue a payment import of the connection: all its invoices, or only `numbers`."""
    arguments = (connection_id, trigger, list(numbers or []))
    tasks_enqueue([QueuedTask(PAYMENTS_IMPORT_TASK, arguments, {"group": PAYMENTS_GROUP})])


def alerts_digest_task_enqueue(*, connection_id: int) -> None:
    """Queue the connection's alert digest (sent only if none went within the hour)."""
    tasks_enqueue([QueuedTask(ALERTS_DIGEST_TASK, (connection_id,))])


def reconcile_task_enqueue(*, connection_id: int) -> None:
    """Queue a reconciliation of the connection (on demand, from the admin)."""
    tasks_enqueue([QueuedTask(RECONCILE_TASK, (connection_id,),
                              {"task_name": f"reconcile {connection_id}"})])  # fmt: skip

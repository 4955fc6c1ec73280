"""Every django-q2 task the product queues, queued here and only after the commit.

A task reads rows that the caller has just written; queued before the commit, a worker could
look for them before they are there (or after a rollback, for rows that never will be). Outside
a transaction `on_commit` runs at once, so a worker or the sweeper queues immediately. Each call
registers one callback, however many tasks it queues.

The task names are the dotted paths django-q2 imports; the schedules use the same constants.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django_q.tasks import async_task

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
    is due, so several may work on one run at once)."""

    def send() -> None:
        for _ in range(tasks):
            async_task(EXPORT_RUN_TASK, run_id, task_name=task_name)

    transaction.on_commit(send)


def export_job_tasks_enqueue(*, job_ids: Iterable[int]) -> None:
    """Queue one task per job that belongs to no run (the automatic export, a changed card)."""
    job_ids = list(job_ids)

    def send() -> None:
        for job_id in job_ids:
            async_task(EXPORT_JOB_TASK, job_id)

    transaction.on_commit(send)


def export_connection_tasks_enqueue(*, connection_ids: Iterable[int]) -> None:
    """Queue one task per connection to send its due jobs that belong to no run."""
    connection_ids = list(connection_ids)

    def send() -> None:
        for connection_id in connection_ids:
            async_task(EXPORT_CONNECTION_TASK, connection_id)

    transaction.on_commit(send)


def payments_import_task_enqueue(
    *, connection_id: int, trigger: str, numbers: list[int] | None = None
) -> None:
    """Queue a payment import of the connection: all its invoices, or only `numbers`."""
    numbers = list(numbers or [])
    transaction.on_commit(
        lambda: async_task(
            PAYMENTS_IMPORT_TASK, connection_id, trigger, numbers, group=PAYMENTS_GROUP
        )
    )


def alerts_digest_task_enqueue(*, connection_id: int) -> None:
    """Queue the connection's alert digest (sent only if none went within the hour)."""
    transaction.on_commit(lambda: async_task(ALERTS_DIGEST_TASK, connection_id))


def reconcile_task_enqueue(*, connection_id: int) -> None:
    """Queue a reconciliation of the connection (on demand, from the admin)."""
    transaction.on_commit(
        lambda: async_task(RECONCILE_TASK, connection_id, task_name=f"reconcile {connection_id}")
    )

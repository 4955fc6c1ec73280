"""The one module that hands tasks to django-q2, and only after the commit. The ledger's own
tasks are queued here; the integration's are named in `integration/services/enqueue.py`, which
queues them through `tasks_enqueue` (the ledger imports nothing of the integration, so the seam
lives on this side).

A task reads rows that the caller has just written; queued before the commit, a worker could
look for them before they are there (or after a rollback, for rows that never will be). Outside
a transaction `on_commit` runs at once, so a worker or the sweeper queues immediately. Each call
registers one callback, however many tasks it queues.

The task names are the dotted paths django-q2 imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django_q.tasks import async_task

LEDGER_IMPORT_TASK = "accounts_app.tasks.ledger_import_task"
LEDGER_IMPORTS_GROUP = "spreadsheet imports"


@dataclass(frozen=True)
class QueuedTask:
    name: str
    args: tuple = ()
    options: dict = field(default_factory=dict)


def tasks_enqueue(tasks: Iterable[QueuedTask]) -> None:
    """Queue the tasks once the caller's transaction commits (at once outside one)."""
    tasks = list(tasks)

    def send() -> None:
        for task in tasks:
            async_task(task.name, *task.args, **task.options)

    transaction.on_commit(send)


def ledger_import_task_enqueue(*, ledger_import_id: int) -> None:
    """Queue the import of an uploaded spreadsheet."""
    tasks_enqueue([QueuedTask(LEDGER_IMPORT_TASK, (ledger_import_id,),
                              {"group": LEDGER_IMPORTS_GROUP})])  # fmt: skip

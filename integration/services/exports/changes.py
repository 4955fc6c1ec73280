"""Customers and projects pushed as they change (Moment's behaviour, with "push on change" on a
connection; projects also need "sync projects"): the job of the object's next revision is
written in the transaction that saves it and rung after the commit. What the job does is in
`customer_job` and `project_job`: a new one is created in e-conomic, a changed one updated.
"""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from accounts_app.models import Customer, Project
from integration.models import Connection, ExportJob, JobKind
from integration.services.enqueue import export_job_tasks_enqueue
from integration.services.installation import installation_code, job_key, party_reference


def customer_changed_export(*, customer: Customer) -> list[ExportJob]:
    """Queue the customer's card for every connection that pushes changes."""
    connections = Connection.objects.filter(active=True, push_on_change=True)
    return _queue(connections, JobKind.CUSTOMER, customer.pk)


def project_changed_export(*, project: Project) -> list[ExportJob]:
    """Queue the project for every connection that pushes changes and sends projects."""
    connections = Connection.objects.filter(active=True, push_on_change=True, sync_projects=True)
    return _queue(connections, JobKind.PROJECT, project.pk)


def customer_card_push(*, connection: Connection, customer: Customer) -> ExportJob:
    """Queue the customer's card for one connection (its next revision updates the card to what
    our ledger says), whether or not the connection pushes changes."""
    return _queue([connection], JobKind.CUSTOMER, customer.pk)[0]


def _queue(connections, kind: str, object_id: int) -> list[ExportJob]:
    """A job per connection for the object's next revision, in the caller's transaction; the
    doorbell rings after the commit (a rolled-back save sends nothing)."""
    connections = list(connections)
    code = installation_code() if connections else ""
    jobs = [_next_revision_job(connection, kind, object_id, code) for connection in connections]
    if jobs:
        export_job_tasks_enqueue(job_ids=[job.pk for job in jobs])
    return jobs


def _next_revision_job(connection: Connection, kind: str, object_id: int, installation: str):
    earlier = ExportJob.objects.filter(connection=connection, kind=kind, object_id=object_id)
    revision = (earlier.aggregate(last=Max("revision"))["last"] or 0) + 1
    key = job_key(connection_id=connection.pk, kind=kind, object_id=object_id, revision=revision,
                  installation=installation)  # fmt: skip
    reference = party_reference(kind, object_id, installation=installation)
    return ExportJob.objects.create(
        connection=connection, kind=kind, object_id=object_id, revision=revision, key=key,
        reference=reference, not_before=timezone.now(),
    )  # fmt: skip


def customer_saved_receiver(sender, instance: Customer, raw: bool = False, **_kwargs) -> None:
    if not raw:  # fixtures being loaded are not changes made by anyone
        customer_changed_export(customer=instance)


def customers_imported_receiver(sender, customers, **_kwargs) -> None:
    """A spreadsheet import writes its customers in bulk: one look for the connections that
    push changes, then each customer's job as if it had been saved alone."""
    connections = list(Connection.objects.filter(active=True, push_on_change=True))
    if connections:
        for customer in customers:
            _queue(connections, JobKind.CUSTOMER, customer.pk)


def project_saved_receiver(sender, instance: Project, raw: bool = False, **_kwargs) -> None:
    if not raw:
        project_changed_export(project=instance)

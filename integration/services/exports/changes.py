"""Customers and projects pushed as they change (Moment's behaviour, with "push on change" on a
connection; projects also need "sync projects"): a new one is created in e-conomic, a changed one
updated. The job is written in the transaction that saves it and rung after the commit.

An update reads the card first and sends it back whole (PUT replaces the document, REFERENCE
§2.1): with the field policy "overwrite" our values win; with "fill empty" only the fields that
are empty in e-conomic are filled, so what the bookkeeper typed there stays.
"""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from accounts_app.models import Customer, Project
from integration.economic import payloads
from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError, TransientError
from integration.models import Connection, CustomerLink, ExportJob, JobKind
from integration.models.connection import FieldPolicy
from integration.models.mappings import CustomerLinkState
from integration.services.enqueue import export_job_tasks_enqueue
from integration.services.exports.context import ExportContext
from integration.services.exports.jobs import (
    error_about,
    export_job_done,
    export_job_fail,
    job_key,
)
from integration.services.exports.snapshots import customer_snapshot

READ_ONLY = {"balance", "dueAmount", "lastUpdated", "self", "contacts", "templates", "totals",
             "deliveryLocations", "invoices", "metaData"}  # fmt: skip


def customer_changed_export(*, customer: Customer) -> list[ExportJob]:
    """Queue the customer's card for every connection that pushes changes."""
    connections = Connection.objects.filter(active=True, push_on_change=True)
    return _queue(connections, JobKind.CUSTOMER, customer.pk, f"LB-CUS-{customer.pk}")


def project_changed_export(*, project: Project) -> list[ExportJob]:
    """Queue the project for every connection that pushes changes and sends projects."""
    connections = Connection.objects.filter(active=True, push_on_change=True, sync_projects=True)
    return _queue(connections, JobKind.PROJECT, project.pk, f"LB-PRJ-{project.pk}")


def _queue(connections, kind: str, object_id: int, reference: str) -> list[ExportJob]:
    """A job per connection for the object's next revision, in the caller's transaction; the
    doorbell rings after the commit (a rolled-back save sends nothing)."""
    jobs = [
        _next_revision_job(connection, kind, object_id, reference) for connection in connections
    ]
    if jobs:
        export_job_tasks_enqueue(job_ids=[job.pk for job in jobs])
    return jobs


def _next_revision_job(connection: Connection, kind: str, object_id: int, reference: str):
    earlier = ExportJob.objects.filter(connection=connection, kind=kind, object_id=object_id)
    revision = (earlier.aggregate(last=Max("revision"))["last"] or 0) + 1
    key = job_key(connection_id=connection.pk, kind=kind, object_id=object_id, revision=revision)
    return ExportJob.objects.create(
        connection=connection, kind=kind, object_id=object_id, revision=revision, key=key,
        reference=reference, not_before=timezone.now(),
    )  # fmt: skip


def customer_card_update(*, job: ExportJob, client: EconomicClient, context: ExportContext) -> None:
    """Bring a linked customer's card up to date. PUT is a replacement, so sending it again
    after a lost answer is harmless: no lookup is needed."""
    customer = Customer.objects.select_related("payment_condition").get(pk=job.object_id)
    number = context.customers[customer.pk]
    ours = payloads.customer_payload(customer_snapshot(customer, context))
    ours.pop("customerNumber", None)
    try:
        card = {k: v for k, v in client.customer_get(number).items() if k not in READ_ONLY}
        overwrite = context.connection.field_policy == FieldPolicy.OVERWRITE
        body = {**card, **ours} if overwrite else {**ours, **_filled(card)}
        client.customer_replace(number, {**body, "customerNumber": number}, idempotency_key=job.key)
    except EconomicError as error:
        export_job_fail(job=job, error=error_about(error, f"Customer {customer}"))
        return
    export_job_done(job=job, remote_number=number)


def _filled(card: dict) -> dict:
    return {key: value for key, value in card.items() if value not in ("", None, {}, [])}


def customer_is_linked(connection: Connection, customer_id: int) -> bool:
    return CustomerLink.objects.filter(
        connection=connection, customer=customer_id, state=CustomerLinkState.LINKED
    ).exists()


def customer_saved_receiver(sender, instance: Customer, raw: bool = False, **_kwargs) -> None:
    if not raw:  # fixtures being loaded are not changes made by anyone
        customer_changed_export(customer=instance)


def project_saved_receiver(sender, instance: Project, raw: bool = False, **_kwargs) -> None:
    if not raw:
        project_changed_export(project=instance)


PROJECT_READ_ONLY = {"lastUpdated", "self", "links", "metaData"}
PROJECT_CONFLICT_TRIES = 3


def project_update(*, job: ExportJob, client: EconomicClient, context: ExportContext) -> None:
    """Bring a linked project up to date. The Projects API replaces the project and needs the
    objectVersion last read: when someone changed the project between our read and our write
    (409), it is read again and the fields merged again, so their change is not overwritten
    blindly. Each PUT's key names the version it replaces: a resend of the same PUT is the same
    operation; a PUT on a newer version is another."""
    project = Project.objects.get(pk=job.object_id)
    ours = _project_fields(project, context)
    try:
        for _ in range(PROJECT_CONFLICT_TRIES):
            current = client.project_get(context.projects[project.pk])
            body = _project_merged(current, ours, context)
            try:
                client.project_update(body, idempotency_key=f"{job.key}:{body['objectVersion']}")
                break
            except EconomicError as error:
                if error.status != 409:
                    raise
        else:
            raise TransientError(
                f"the project changed in e-conomic {PROJECT_CONFLICT_TRIES} times while we "
                "updated it; it is tried again shortly", status=409,
            )  # fmt: skip
    except EconomicError as error:
        export_job_fail(job=job, error=error_about(error, f"Project {project}"))
        return
    export_job_done(job=job, remote_number=context.projects[project.pk])


def _project_fields(project: Project, context: ExportContext) -> dict:
    fields = {"name": project.name[:255], "isClosed": not project.active}
    if project.customer_id in context.customers:
        fields["customerNumber"] = context.customers[project.customer_id]
    return fields


def _project_merged(current: dict, ours: dict, context: ExportContext) -> dict:
    """What the PUT sends: e-conomic's project with our fields over it ("overwrite"), or only
    where e-conomic's are empty ("fill empty"), the number and objectVersion as read."""
    card = {key: value for key, value in current.items() if key not in PROJECT_READ_ONLY}
    if context.connection.field_policy == FieldPolicy.OVERWRITE:
        return {**card, **ours}
    return {**card, **{key: value for key, value in ours.items() if _empty(card.get(key))}}


def _empty(value) -> bool:
    return value in ("", None, {}, [], False)

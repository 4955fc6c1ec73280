"""Customers pushed as they change (Moment's behaviour, with "push on change" on a connection):
a new customer gets its card, a changed one has its card updated. The job is written in the
transaction that saves the customer and rung after the commit.

An update reads the card first and sends it back whole (PUT replaces the document, REFERENCE
§2.1): with the field policy "overwrite" our values win; with "fill empty" only the fields that
are empty in e-conomic are filled, so what the bookkeeper typed there stays.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts_app.models import Customer
from integration.economic import payloads
from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError
from integration.models import Connection, CustomerLink, ExportJob, JobKind
from integration.models.connection import FieldPolicy
from integration.models.mappings import CustomerLinkState
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
    jobs = []
    for connection in Connection.objects.filter(active=True, push_on_change=True):
        jobs.append(_next_revision_job(connection, customer))
    if jobs:
        ids = [job.pk for job in jobs]
        transaction.on_commit(lambda: _ring(ids))
    return jobs


def _next_revision_job(connection: Connection, customer: Customer) -> ExportJob:
    done = ExportJob.objects.filter(
        connection=connection, kind=JobKind.CUSTOMER, object_id=customer.pk
    )
    revision = (done.aggregate(last=Max("revision"))["last"] or 0) + 1
    key = job_key(connection_id=connection.pk, kind=JobKind.CUSTOMER, object_id=customer.pk,
                  revision=revision)  # fmt: skip
    return ExportJob.objects.create(
        connection=connection, kind=JobKind.CUSTOMER, object_id=customer.pk, revision=revision,
        key=key, reference=f"LB-CUS-{customer.pk}", not_before=timezone.now(),
    )  # fmt: skip


def _ring(job_ids: list[int]) -> None:
    from django_q.tasks import async_task

    for job_id in job_ids:
        async_task("integration.tasks.export_job_task", job_id)


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

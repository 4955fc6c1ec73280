"""Customer cards and projects an invoice needs in e-conomic before it can be sent.

A customer is created once and linked (`CustomerLink`), never matched by name afterwards. A lost
answer is resolved by looking the card up: by our number when we are master of the numbers,
otherwise by the CVR/VAT number or the exact name and e-mail we sent (the card e-conomic numbered
last wins, being the one our lost call made).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts_app.models import Customer, Project
from integration.economic import filters, payloads
from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError, NotFoundError
from integration.models import CustomerLink, ErrorKind, ExportJob, JobKind, ProjectLink
from integration.models.connection import NumberPolicy
from integration.models.exports import TERMINAL_STATES
from integration.models.mappings import CustomerLinkState
from integration.services.exports.context import ExportContext
from integration.services.exports.jobs import (
    error_about,
    export_job_done,
    export_job_fail,
    export_job_release,
)
from integration.services.exports.snapshots import customer_blockers, customer_snapshot

PROJECT_GROUP_INVOICEABLE = 2  # e-conomic's external, invoiceable project group


def customer_find(*, client: EconomicClient, body: dict) -> dict | None:
    """The card a lost create made, if it was made."""
    if "customerNumber" in body:
        try:
            return client.customer_get(body["customerNumber"])
        except NotFoundError:
            return None
    identification = body.get("corporateIdentificationNumber") or body.get("vatNumber")
    if identification:
        field = (
            "corporateIdentificationNumber"
            if "corporateIdentificationNumber" in body
            else "vatNumber"
        )
        condition = filters.eq(field, identification)
    else:
        condition = filters.eq("name", body["name"])
        if body.get("email"):
            condition = condition & filters.eq("email", body["email"])
    found = client.customers_find(condition)
    return max(found, key=lambda card: card["customerNumber"], default=None)


def customer_export(
    *, job: ExportJob, client: EconomicClient, context: ExportContext, reconcile: bool
) -> None:
    """Create the customer's card in e-conomic (after a lost answer: adopt it if it is there);
    a customer that has its card already has it updated (a change pushed)."""
    if job.object_id in context.customers:
        from integration.services.exports.changes import customer_card_update

        customer_card_update(job=job, client=client, context=context)
        return
    if job.revision > 1 and _earlier_revision_open(job):
        export_job_release(job=job)  # the card is still being made: never make a second one
        return
    customer = Customer.objects.select_related("payment_condition").get(pk=job.object_id)
    blockers = customer_blockers(customer, context, f"Customer {customer}")
    if blockers:
        export_job_fail(job=job, kind=ErrorKind.CONFIGURATION, error="\n".join(map(str, blockers)))
        return
    body = payloads.customer_payload(customer_snapshot(customer, context))
    try:
        lookup = reconcile or job.revision > 1
        card = customer_find(client=client, body=body) if lookup else None
        card = card or client.customer_create(body, idempotency_key=job.key)
    except EconomicError as error:
        export_job_fail(job=job, error=_about_customer(customer, error))
        return
    _link_created(job, customer, card["customerNumber"], context)


def _earlier_revision_open(job: ExportJob) -> bool:
    return (
        ExportJob.objects.filter(
            connection=job.connection_id, kind=job.kind, object_id=job.object_id,
            revision__lt=job.revision,
        )
        .exclude(state__in=TERMINAL_STATES)
        .exists()
    )  # fmt: skip


def _about_customer(customer: Customer, error: EconomicError) -> EconomicError:
    return error_about(error, f"Customer {customer} could not be created in e-conomic")


def _link_created(job: ExportJob, customer: Customer, number: int, context: ExportContext) -> None:
    try:
        with transaction.atomic():
            CustomerLink.objects.update_or_create(
                connection=context.connection,
                customer=customer,
                defaults={"state": CustomerLinkState.LINKED, "remote_number": number,
                          "candidates": [], "matched_by": "created"},
            )  # fmt: skip
    except IntegrityError:
        export_job_fail(
            job=job,
            kind=ErrorKind.PERMANENT,
            error=f"e-conomic customer {number} is already linked to another of our customers; "
            f"link {customer} to its own card on the customer links screen.",
        )
        return
    context.customers[customer.pk] = number
    export_job_done(job=job, remote_number=number)


def project_export(
    *, job: ExportJob, client: EconomicClient, context: ExportContext, reconcile: bool
) -> None:
    """Create the project in e-conomic's projects API with our number (we are master); a
    project that is there already has it updated (a change pushed)."""
    if job.object_id in context.projects:
        from integration.services.exports.changes import project_update

        project_update(job=job, client=client, context=context)
        return
    if job.revision > 1 and _earlier_revision_open(job):
        export_job_release(job=job)  # still being created: never a second project
        return
    project = Project.objects.get(pk=job.object_id)
    if not _project_customer_ready(job, project, context):
        return
    try:
        # A lost answer, or an earlier revision's job that made it: the number tells.
        lookup = reconcile or job.revision > 1
        found = _project_find(client, project.number) if lookup else None
        if found is None:
            client.project_create(_project_body(project, context), idempotency_key=job.key)
    except EconomicError as error:
        export_job_fail(
            job=job, error=error_about(error, f"Project {project} could not be created")
        )
        return
    ProjectLink.objects.update_or_create(
        connection=context.connection, project=project, defaults={"remote_number": project.number}
    )
    context.projects[project.pk] = project.number
    export_job_done(job=job, remote_number=project.number)


def _project_customer_ready(job: ExportJob, project: Project, context: ExportContext) -> bool:
    """A project belongs to a customer in e-conomic: wait while its card is on its way, fail
    with the fix when there is none."""
    if project.customer_id in context.customers:
        return True
    context.refresh_links()
    if project.customer_id in context.customers:
        return True
    waiting = ExportJob.objects.filter(
        connection=job.connection_id, kind=JobKind.CUSTOMER, object_id=project.customer_id
    ).exclude(state__in=TERMINAL_STATES)
    if waiting.exists():
        export_job_release(job=job)
    else:
        export_job_fail(
            job=job, kind=ErrorKind.CONFIGURATION,
            error=f"Project {project}: its customer {project.customer} is not in e-conomic. Link "
            "the customer (or save it so that it is pushed), then retry.",
        )  # fmt: skip
    return False


def _project_find(client: EconomicClient, number: int) -> dict | None:
    try:
        return client.project_get(number)
    except NotFoundError:
        return None


def _project_body(project: Project, context: ExportContext) -> dict:
    return payloads.project_payload(
        number=project.number,
        name=project.name,
        customer_number=context.customers[project.customer_id],
        project_group_number=PROJECT_GROUP_INVOICEABLE,
    )


def number_policy_ours(context: ExportContext) -> bool:
    return context.connection.number_policy == NumberPolicy.OURS

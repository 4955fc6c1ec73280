"""A project in e-conomic's projects API: claim -> prepare (its customer there) -> call (create it
with our number, we being master, or update one it has) -> record (the link, the job done).
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext as _

from accounts_app.models import Project
from integration.economic import payloads
from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError, NotFoundError, TransientError
from integration.models import ErrorKind, ExportJob, JobKind, ProjectLink
from integration.models.connection import FieldPolicy
from integration.models.exports import TERMINAL_STATES
from integration.services.export_context import ExportContext
from integration.services.exports.customer_job import earlier_revision_open
from integration.services.exports.jobs import (
    error_about,
    export_job_claim,
    export_job_done,
    export_job_fail,
    export_job_release,
)

PROJECT_GROUP_INVOICEABLE = 2  # e-conomic's external, invoiceable project group
PROJECT_READ_ONLY = {"lastUpdated", "self", "links", "metaData"}
PROJECT_CONFLICT_TRIES = 3


def project_job_send(*, job: ExportJob, client: EconomicClient, context: ExportContext) -> bool:
    """Claim the job and bring the project about; False when another worker has it."""
    claim = export_job_claim(job=job)
    if claim is None:
        return False
    project_export(job=claim.job, client=client, context=context, reconcile=claim.reconcile)
    return True


def project_export(
    *, job: ExportJob, client: EconomicClient, context: ExportContext, reconcile: bool
) -> None:
    """Create the project in e-conomic's projects API with our number (we are master); a
    project that is there already has it updated (a change pushed)."""
    if job.object_id in context.projects:
        project_update(job=job, client=client, context=context)
        return
    if job.revision > 1 and earlier_revision_open(job):
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
            job=job, error=error_about(
                error, _("Project %(project)s could not be created") % {"project": project}
            )
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
            error=_("Project %(project)s: its customer %(customer)s is not in e-conomic. Link "
                    "the customer (or save it so that it is pushed), then retry.")
            % {"project": project, "customer": project.customer},
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
                # gettext by name: `_` is this loop's counter here.
                gettext("the project changed in e-conomic %(tries)d times while we updated it; "
                        "it is tried again shortly") % {"tries": PROJECT_CONFLICT_TRIES},
                status=409,
            )  # fmt: skip
    except EconomicError as error:
        export_job_fail(
            job=job, error=error_about(error, _("Project %(project)s") % {"project": project})
        )
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

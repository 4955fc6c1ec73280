"""Reads of the e-conomic side that several entry points share."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts_app.models import Customer, Invoice, Project
from integration.models import Connection
from integration.models.exports import JobKind


class UnknownConnection(LookupError):
    pass


def connections_chosen(*, choice: str | None = None) -> QuerySet[Connection]:
    """The connection named by `choice` (its name, or its id when that is all digits and no
    connection bears it as a name), or every active one when `choice` is empty. Every command's
    `--connection` means this."""
    if not choice:
        return Connection.objects.filter(active=True)
    choice = str(choice).strip()
    chosen = Connection.objects.filter(name=choice)
    if not chosen.exists() and choice.isdigit():
        chosen = Connection.objects.filter(pk=int(choice))
    if not chosen.exists():
        known = Connection.objects.order_by("pk").values_list("pk", "name")
        names = ", ".join(f"{name} (id {pk})" for pk, name in known) or _("none yet")
        raise UnknownConnection(
            _("No connection is named or numbered %(choice)s; give --connection one of: %(names)s.")
            % {"choice": repr(choice), "names": names}
        )
    return chosen


@dataclass(frozen=True)
class JobSubject:
    """What a job sends, as a person names it: "Invoice 1042" and its customer."""

    label: str
    customer: str


def export_job_subjects(*, jobs) -> dict[int, JobSubject]:
    """Each job's subject, read in one query per kind (a page of the jobs list, not per row)."""
    ids: dict[str, set[int]] = {}
    for job in jobs:
        ids.setdefault(job.kind, set()).add(job.object_id)
    found: dict[tuple[str, int], JobSubject] = {}
    invoices = Invoice.objects.filter(pk__in=ids.get(JobKind.INVOICE, ()))
    for invoice in invoices.select_related("customer"):
        found[JobKind.INVOICE, invoice.pk] = JobSubject(str(invoice), invoice.customer.name)
    for customer in Customer.objects.filter(pk__in=ids.get(JobKind.CUSTOMER, ())):
        found[JobKind.CUSTOMER, customer.pk] = JobSubject(f"Customer {customer}", customer.name)
    projects = Project.objects.filter(pk__in=ids.get(JobKind.PROJECT, ()))
    for project in projects.select_related("customer"):
        found[JobKind.PROJECT, project.pk] = JobSubject(f"Project {project}", project.customer.name)
    gone = JobSubject("(deleted here)", "")
    return {job.pk: found.get((job.kind, job.object_id), gone) for job in jobs}

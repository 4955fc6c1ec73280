"""Reads of the e-conomic side that several entry points share."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts_app.currency import base_currency
from accounts_app.models import Customer, Invoice, Project
from accounts_app.money import money_display
from integration.models import Connection, ErrorKind, ExportJob, InvoiceExport, JobState
from integration.models.exports import JobKind
from integration.models.payments import SyncedPayment
from integration.services.exports.job_alerts import FIXES
from integration.services.payments.mirror import paid_on_for_people


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
        names = ", ".join(f"{name} (id {pk})" for pk, name in known) or "none yet"
        raise UnknownConnection(
            f"No connection is named or numbered {choice!r}; give --connection one of: {names}."
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


@dataclass(frozen=True)
class EconomicDocument:
    """One of the invoice's documents in e-conomic, as a person names it: "booked 1042"."""

    connection: str
    label: str
    state: str


@dataclass(frozen=True)
class EconomicJobShown:
    """An export job of the invoice, with its reason and what to do about it."""

    pk: int
    connection: str
    state: str
    attempts: int
    run_id: int | None
    error: str
    fix: str


@dataclass(frozen=True)
class EconomicPaymentShown:
    """A payment e-conomic holds against the invoice, in its currency and the base currency."""

    connection: str
    paid_on: str
    amount: str
    base_amount: str
    exchange_difference: str
    kind: str
    state: str


@dataclass(frozen=True)
class InvoiceEconomicLife:
    documents: list[EconomicDocument]
    jobs: list[EconomicJobShown]
    payments: list[EconomicPaymentShown]

    @property
    def last_error(self) -> EconomicJobShown | None:
        return next((job for job in self.jobs if job.error), None)


def invoice_economic_life(*, invoice: Invoice) -> InvoiceEconomicLife:
    """What e-conomic holds of one invoice: its documents and their state, its export jobs
    (newest first, the reason and its fix) and the payments synced from e-conomic. Three
    queries, however many jobs, documents or payments there are."""
    exports = list(
        InvoiceExport.objects.filter(invoice=invoice)
        .select_related("connection", "job")
        .order_by("connection__name", "pk")
    )
    jobs = ExportJob.objects.filter(kind=JobKind.INVOICE, object_id=invoice.pk)
    payments = SyncedPayment.objects.filter(invoice=invoice).select_related("connection")
    rates = {export.connection_id: export.exchange_rate for export in exports}
    return InvoiceEconomicLife(
        documents=[_document(export) for export in exports],
        jobs=[_job_shown(job) for job in jobs.select_related("connection").order_by("-pk")],
        payments=[
            _payment_shown(payment, rates.get(payment.connection_id) or invoice.exchange_rate)
            for payment in payments.order_by("paid_on", "detected_at", "pk")
        ],
    )


def _document(export: InvoiceExport) -> EconomicDocument:
    name = export.connection.name
    if export.voucher_number is not None:
        job = export.job
        year = f" ({job.voucher_year})" if job is not None and job.voucher_year else ""
        label = _("voucher %(number)s%(year)s") % {"number": export.voucher_number, "year": year}
        booked = job is not None and job.voucher_booked
        state = _("Booked from the journal") if booked else _(
            "In the journal, waiting to be booked there"
        )
        return EconomicDocument(name, label, state)
    if export.booked_number is not None:
        return EconomicDocument(
            name, _("booked %(number)s") % {"number": export.booked_number}, _("Booked")
        )
    label = _("draft %(number)s") % {"number": export.draft_number}
    if export.draft_deleted_at is not None:
        return EconomicDocument(
            name, label, _("Deleted in e-conomic: the invoice was credited before it was booked")
        )
    return EconomicDocument(name, label, _("Draft, not booked yet: book it in e-conomic"))


def _job_fix(job: ExportJob) -> str:
    if not job.last_error:
        return ""
    if job.error_kind == ErrorKind.BUDGET:
        return _("Nothing to do: it goes on by itself once e-conomic's limit allows.")
    if job.state not in (JobState.FAILED, JobState.DEAD):
        return _("Nothing to do yet: it is tried again by itself.")
    return str(FIXES.get(job.error_kind, FIXES[ErrorKind.PERMANENT]))


def _job_shown(job: ExportJob) -> EconomicJobShown:
    return EconomicJobShown(
        pk=job.pk, connection=job.connection.name, state=job.get_state_display(),
        attempts=job.attempts, run_id=job.run_id, error=" ".join(job.last_error.split()),
        fix=_job_fix(job),
    )  # fmt: skip


def _payment_shown(payment: SyncedPayment, rate: Decimal | None) -> EconomicPaymentShown:
    base = base_currency()
    if payment.currency == base:
        base_amount = money_display(payment.amount, base)
    elif payment.amount_in_base_currency is not None:
        base_amount = money_display(payment.amount_in_base_currency, base)
    elif rate is not None:
        base_amount = _("≈ %(amount)s at the invoice's rate") % {
            "amount": money_display(payment.amount * rate, base)
        }
    else:
        base_amount = "—"
    difference = payment.exchange_difference
    return EconomicPaymentShown(
        connection=payment.connection.name, paid_on=paid_on_for_people(payment),
        amount=money_display(payment.amount, payment.currency), base_amount=base_amount,
        exchange_difference="—" if difference is None else money_display(difference, base),
        kind=payment.get_kind_display(), state=payment.get_state_display(),
    )  # fmt: skip

"""Reads of the e-conomic side that several entry points share."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts_app.currency import base_currency
from accounts_app.models import Customer, Invoice, Project
from accounts_app.money import money_display
from accounts_app.spreadsheets import formula_escaped
from integration.models import (
    Connection,
    ErrorKind,
    ExportJob,
    ExportRun,
    InvoiceExport,
    JobState,
)
from integration.models.connection import VatRounding
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
        found[JobKind.CUSTOMER, customer.pk] = JobSubject(
            _("Customer %(customer)s") % {"customer": customer}, customer.name
        )
    projects = Project.objects.filter(pk__in=ids.get(JobKind.PROJECT, ()))
    for project in projects.select_related("customer"):
        found[JobKind.PROJECT, project.pk] = JobSubject(
            _("Project %(project)s") % {"project": project}, project.customer.name
        )
    gone = JobSubject(_("(deleted here)"), "")
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


def export_job_fix(*, job: ExportJob) -> str:
    """What a person does about the job's error, in words; empty while it has none."""
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
        fix=export_job_fix(job=job),
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


@dataclass(frozen=True)
class DryRunLine:
    """One line as the dry run would send it: the product e-conomic sells it as, the account
    it books to and e-conomic's VAT code."""

    position: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    product: str
    account: str
    vat_code: str
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class DryRunTotals:
    """Our totals, or e-conomic's as predicted for one way of rounding VAT, with VAT per code."""

    label: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_by_code: str
    difference: str  # from ours, in words; empty on our own row
    differs: bool = False


@dataclass(frozen=True)
class DryRunInvoice:
    invoice: str
    customer: str
    terms: str  # layout, payment terms and VAT zone, in words
    currency: str
    lines: list[DryRunLine]
    totals: list[DryRunTotals]
    blockers: list[str]


def export_dry_run_invoices(*, run: ExportRun) -> list[DryRunInvoice]:
    """The dry run's report as a table per invoice: what each line would be sent as, ours beside
    e-conomic's predicted totals, and each blocker in words. Reads the run only."""
    report = run.report if isinstance(run.report, dict) else {}
    return [_dry_run_invoice(entry) for entry in report.get("invoices", [])]


def export_dry_run_setup_blockers(*, run: ExportRun) -> list[str]:
    report = run.report if isinstance(run.report, dict) else {}
    return list(report.get("setup_blockers", []))


def _dry_run_invoice(entry: dict) -> DryRunInvoice:
    customer = entry.get("customer", "")
    if isinstance(customer, int):
        customer = _("e-conomic customer %(number)s") % {"number": customer}
    terms = ""
    if "layout" in entry:
        terms = _("layout %(layout)s, payment terms %(terms)s, VAT zone %(zone)s") % {
            "layout": entry["layout"], "terms": entry["payment_terms"], "zone": entry["vat_zone"]
        }
    return DryRunInvoice(
        invoice=entry.get("invoice", ""), customer=str(customer), terms=terms,
        currency=entry.get("currency", ""),
        lines=[_dry_run_line(position, line)
               for position, line in enumerate(entry.get("lines", []), 1)],
        totals=_dry_run_totals(entry.get("totals"), entry.get("currency", "")),
        blockers=list(entry.get("blockers", [])),
    )  # fmt: skip


def _dry_run_line(position: int, line: dict) -> DryRunLine:
    return DryRunLine(
        position=position, description=line["description"],
        quantity=Decimal(line["quantity"]), unit_price=Decimal(line["unit_price"]),
        discount_percent=Decimal(line["discount_percent"]),
        product=str(line.get("product_number") or "—"),
        account=str(line.get("account_number") or "—"),
        vat_code=line.get("vat_code") or _("none"),
        net=Decimal(line["net_amount"]), vat=Decimal(line["vat_amount"]),
    )  # fmt: skip


def _dry_run_totals(totals: dict | None, currency: str) -> list[DryRunTotals]:
    if not totals:
        return []
    rows = [_totals_row(_("Ours"), totals["ours"], "", currency)]
    for rounding, figures in totals["economic"].items():
        label = _("e-conomic, VAT rounded %(rounding)s") % {
            "rounding": str(VatRounding(rounding).label).lower()
        }
        gaps = totals["differences"].get(rounding) or {}
        difference = ", ".join(
            _("%(what)s %(amount)s") % {
                "what": _("net") if code == "net" else code,
                "amount": money_display(Decimal(amount), currency),
            }
            for code, amount in gaps.items()
        ) or _("none")
        rows.append(_totals_row(label, figures, difference, currency, differs=bool(gaps)))
    return rows


def _totals_row(
    label: str, figures: dict, difference: str, currency: str, differs: bool = False
) -> DryRunTotals:
    by_code = ", ".join(
        f"{code} {money_display(Decimal(vat), currency)}"
        for code, vat in figures["vat_by_code"].items()
    )
    return DryRunTotals(
        label=label, net=Decimal(figures["net"]), vat=Decimal(figures["vat"]),
        gross=Decimal(figures["gross"]), vat_by_code=by_code or _("none"), difference=difference,
        differs=differs,
    )  # fmt: skip


def export_dry_run_csv_rows(*, run: ExportRun) -> list[list]:
    """The dry run's table as spreadsheet rows (a header, then per invoice its lines, its
    totals and its blockers), each cell safe to open in a spreadsheet."""
    header = [_("Invoice"), _("Customer"), _("Row"), _("Description"), _("Quantity"),
              _("Unit price"), _("Discount %"), _("Product"), _("Account"), _("VAT code"),
              _("Net"), _("VAT"), _("Gross"), _("Currency"), _("Difference from ours"),
              _("Blocker")]  # fmt: skip
    rows = [header]
    for invoice in export_dry_run_invoices(run=run):
        rows += _csv_invoice_rows(invoice)
    return [[formula_escaped(_cell(cell)) for cell in row] for row in rows]


def _csv_invoice_rows(invoice: DryRunInvoice) -> list[list]:
    start, currency = [invoice.invoice, invoice.customer], invoice.currency
    rows = [
        [*start, line.position, line.description, line.quantity, line.unit_price,
         line.discount_percent, line.product, line.account, line.vat_code, line.net, line.vat,
         "", currency, "", ""]
        for line in invoice.lines
    ]  # fmt: skip
    rows += [
        [*start, total.label, total.vat_by_code, "", "", "", "", "", "", total.net, total.vat,
         total.gross, currency, total.difference, ""]
        for total in invoice.totals
    ]  # fmt: skip
    return rows + [[*start, _("Blocked"), *[""] * 12, blocker] for blocker in invoice.blockers]


def _cell(value) -> str | int:
    return f"{value:f}" if isinstance(value, Decimal) else value


@dataclass(frozen=True)
class LeftOutInvoice:
    """An invoice of a run's selection that the run does not export, with why and the fix."""

    invoice_id: int | None
    invoice: str
    reasons: list[tuple[str, str]]  # (problem, fix)


def export_run_left_out(*, run: ExportRun) -> list[LeftOutInvoice]:
    """The invoices the run left out, as kept when it started (no query)."""
    return [
        LeftOutInvoice(
            invoice_id=entry.get("invoice_id"), invoice=entry.get("invoice", ""),
            reasons=[(reason.get("problem", ""), reason.get("fix", ""))
                     for reason in entry.get("reasons", [])],
        )  # fmt: skip
        for entry in run.left_out or []
    ]

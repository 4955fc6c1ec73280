"""One invoice to e-conomic as a draft (a person books it) or booked at once.

Each step keeps what it produced on the job before the next one starts (draft number, PDF
attached), so a later attempt goes on where the last one stopped. Before any step that may
have happened already (an earlier answer was lost), the document is looked up by our
reference in `references.other`: adopted if it is there, sent only if it is not.
"""

from __future__ import annotations

from decimal import Decimal

from accounts_app.models import Invoice
from accounts_app.services import invoice_render_pdf
from integration.economic import payloads
from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError, NotFoundError
from integration.models import ErrorKind, ExportJob, InvoiceExport
from integration.models.connection import ExportMethod, NumberPolicy
from integration.services.exports.context import ExportContext
from integration.services.exports.jobs import (
    error_about,
    export_job_done,
    export_job_fail,
    export_job_progress,
)
from integration.services.exports.snapshots import invoice_reference

TOLERANCE = Decimal("0.01")


class Stop(Exception):
    """A step failed and the job has been recorded accordingly."""


def invoice_export(
    *, job: ExportJob, invoice: Invoice, snapshot: payloads.InvoiceSnapshot,
    client: EconomicClient, context: ExportContext, reconcile: bool,
) -> None:  # fmt: skip
    """Send one invoice by the job's method (draft or booked). Safe after a lost answer."""
    try:
        if reconcile and _adopt_booked(job, invoice, client, context):
            return
        draft = _draft(job, invoice, snapshot, client, context, reconcile)
        if _pdf_wanted(job, context):
            _attach(job, invoice, client)
        if job.method == ExportMethod.DRAFT:
            _finish(job, invoice, context, draft_number=job.draft_number)
            return
        _compare_totals(job, invoice, draft, client, context)
        _book(job, invoice, client, context)
    except Stop:
        return


def _fail(job: ExportJob, invoice: Invoice, error: EconomicError | str, kind: str = "") -> None:
    if isinstance(error, EconomicError):
        error = error_about(error, str(invoice))
    else:
        error = f"{invoice}: {error}"
    export_job_fail(job=job, error=error, kind=kind)
    raise Stop


def _keep(job: ExportJob, **numbers) -> None:
    """Record a step; a worker that lost its lease (the job was taken over) stops here, and
    the one holding the job now finds what this one wrote by its reference."""
    if not export_job_progress(job=job, **numbers):
        raise Stop


def _call(job: ExportJob, invoice: Invoice, call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except EconomicError as error:
        _fail(job, invoice, error)


def _adopt_booked(job, invoice, client, context) -> bool:
    if job.method != ExportMethod.BOOKED:
        return False
    found = _call(job, invoice, client.booked_invoices_find, job.reference)
    if not found:
        return False
    _finish(job, invoice, context, booked_number=found[0]["bookedInvoiceNumber"])
    return True


def _draft(job: ExportJob, invoice: Invoice, snapshot, client, context, reconcile) -> dict | None:
    """The draft in e-conomic: the one already recorded, one found by reference, or a new one."""
    if job.draft_number:
        return None  # known; its totals are read again only when booking needs them
    found = _call(job, invoice, client.draft_invoices_find, job.reference) if reconcile else []
    draft = found[0] if found else None
    if draft is None:
        body = payloads.draft_invoice_payload(snapshot)
        draft = _call(job, invoice, client.draft_invoice_create, body, idempotency_key=job.key)
    if job.method == ExportMethod.DRAFT and not _pdf_wanted(job, context):
        job.draft_number = draft["draftInvoiceNumber"]  # recorded with the job's end, next
    else:
        _keep(job, draft_number=draft["draftInvoiceNumber"])  # steps follow: keep it first
    return draft if "grossAmount" in draft else None


def _pdf_wanted(job: ExportJob, context: ExportContext) -> bool:
    return context.connection.include_pdf and not job.pdf_attached


def _attach(job: ExportJob, invoice: Invoice, client: EconomicClient) -> None:
    pdf = invoice_render_pdf(invoice=invoice)
    _call(
        job, invoice, client.draft_invoice_attach, job.draft_number, pdf,
        idempotency_key=f"{job.key}:pdf",
    )  # fmt: skip
    _keep(job, pdf_attached=True)


def _compare_totals(job, invoice: Invoice, draft: dict | None, client, context) -> None:
    """e-conomic computes VAT itself (product group x VAT zone): book only what adds up to ours."""
    if draft is None:
        try:
            draft = client.draft_invoice_get(job.draft_number)
        except NotFoundError as error:
            # The draft is gone: booked by an earlier attempt whose answer was lost (and whose
            # lookup failed too), or by a person. The booked invoice is found by reference.
            booked = _booked_after_all(job, invoice, client, error)
            _finish(job, invoice, context, booked_number=booked["bookedInvoiceNumber"])
            raise Stop from None
        except EconomicError as error:
            _fail(job, invoice, error)
    theirs = Decimal(str(draft.get("grossAmount", 0)))
    if abs(theirs - invoice.gross_total) > TOLERANCE:
        _fail(
            job, invoice, kind=ErrorKind.PERMANENT,
            error=f"e-conomic's draft {job.draft_number} totals {theirs:.2f} {invoice.currency} "
            f"gross, ours {invoice.gross_total:.2f}; it was not booked. The VAT of a line "
            "differs: check that each service type's product is in a product group whose sales "
            "account has the VAT our lines carry, then retry (or book the draft by hand).",
        )  # fmt: skip


def _book(job, invoice: Invoice, client: EconomicClient, context: ExportContext) -> None:
    ours = context.connection.number_policy == NumberPolicy.OURS
    body = payloads.booking_payload(
        draft_number=job.draft_number, book_with_number=invoice.number if ours else None
    )
    try:
        booked = client.invoice_book(body, idempotency_key=f"{job.key}:book")
    except NotFoundError as error:
        _fail(job, invoice, error)
    except EconomicError as error:
        if not (error.ambiguous or error.code == "E06000"):
            _fail(job, invoice, error)
        booked = _booked_after_all(job, invoice, client, error)
    _finish(job, invoice, context, booked_number=booked["bookedInvoiceNumber"])


def _booked_after_all(job, invoice, client, error) -> dict:
    """The booking's answer was lost, or the draft is gone (booked by an attempt whose answer
    was lost): the booked invoice is found by our reference."""
    try:
        found = client.booked_invoices_find(job.reference)
    except EconomicError as lookup_error:
        # Whether the booking happened is still unknown: an ambiguous first error is kept, so
        # the next attempt looks the invoice up before anything else.
        _fail(job, invoice, error if error.ambiguous else lookup_error)
    if not found:
        _fail(job, invoice, error)
    return found[0]


def _finish(job, invoice: Invoice, context: ExportContext, **numbers) -> None:
    export_job_done(
        job=job, on_done=lambda: invoice_export_record(job=job, invoice=invoice, context=context),
        **numbers,
    )  # fmt: skip


def invoice_export_record(*, job: ExportJob, invoice: Invoice, context: ExportContext) -> None:
    """Show e-conomic's number beside ours. Our gap-free number is never changed: with 'copy
    back', e-conomic's number is kept as `economic_number` for display and search."""
    invoice_exports_record(jobs=[(job, invoice)], context=context)


def invoice_exports_record(
    *, jobs: list[tuple[ExportJob, Invoice]], context: ExportContext
) -> None:
    """`invoice_export_record` for several invoices, in one statement."""
    rows = [
        InvoiceExport(
            connection=context.connection, invoice=invoice, job=job, method=job.method,
            draft_number=job.draft_number, booked_number=job.booked_number,
            voucher_number=job.voucher_number,
            economic_number=str(job.booked_number or job.voucher_number or job.draft_number or ""),
        )
        for job, invoice in jobs
    ]  # fmt: skip
    # Insert or update: a re-export (another method, a retry) replaces the row.
    InvoiceExport.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["connection", "invoice"],
        update_fields=["job", "method", "draft_number", "booked_number", "voucher_number",
                       "economic_number", "exported_at"],
    )  # fmt: skip


def reference_of(invoice: Invoice) -> str:
    return invoice_reference(invoice)

"""One invoice to e-conomic as a draft (a person books it) or booked at once:
claim -> prepare (its customer and project there, every blocker, the snapshot) -> call -> record.

Each step keeps what it produced on the job before the next one starts (draft number, PDF
attached), so a later attempt goes on where the last one stopped. Before any step that may
have happened already (an earlier answer was lost), the document is looked up by our
reference in `references.other`: adopted if it is there, sent only if it is not. A worker that
lost its lease on the way (the job was taken over) stops at the next step and records nothing;
the one holding the job now finds what it wrote by the reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts_app.models import Invoice
from accounts_app.services import invoice_render_pdf
from integration.economic import payloads
from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError, NotFoundError
from integration.models import ErrorKind, ExportJob, JobKind, JobState
from integration.models.connection import ExportMethod, NumberPolicy
from integration.services.enqueue import export_job_tasks_enqueue
from integration.services.export_context import ExportContext, invoices_for_export
from integration.services.exports.answered import Answered, invoice_exports_record
from integration.services.exports.credited_draft import credited_draft_delete
from integration.services.exports.customer_job import customer_job_queue
from integration.services.exports.jobs import (
    error_about,
    export_job_claim,
    export_job_done,
    export_job_fail,
    export_job_progress,
    export_job_release,
)
from integration.services.exports.prediction import (
    figures_ours,
    rounding_learn,
    rounding_of_answer,
    rounding_tolerance,
)
from integration.services.exports.snapshots import invoice_own_blockers, invoice_snapshot
from integration.services.installation import installation_code

TOLERANCE = Decimal("0.01")


def invoice_job_send(
    *, job: ExportJob, client: EconomicClient, context: ExportContext,
    invoice: Invoice | None = None, answered: Answered | None = None,
) -> bool:  # fmt: skip
    """Claim the job and send its invoice by the job's method (draft or booked). False when
    another worker has it, or it is not due. With `answered`, a job done is recorded with
    others (see answered.py), else at once."""
    claim = export_job_claim(job=job)
    if claim is None:
        return False
    prepared = invoice_job_prepare(job=claim.job, context=context, invoice=invoice)
    if prepared is not None and not credited_draft_delete(
        job=claim.job, invoice=prepared[0], client=client, context=context
    ):
        invoice, snapshot = prepared
        invoice_send(job=claim.job, invoice=invoice, snapshot=snapshot, client=client,
                     context=context, reconcile=claim.reconcile, answered=answered)  # fmt: skip
    return True


# -- prepare -----------------------------------------------------------------------------------


def invoice_job_prepare(
    *, job: ExportJob, context: ExportContext, invoice: Invoice | None = None
) -> tuple[Invoice, payloads.InvoiceSnapshot] | None:
    """The claimed job's invoice and its snapshot; None when it cannot go now (and the job was
    recorded so: waiting for its customer, or failed with every blocker). The checks are those a
    run makes before it starts: an automatic export has no run to refuse, and the mappings may
    have changed since."""
    invoice = invoice or invoices_for_export([job.object_id])[0]
    # The invoice's own blockers first: one that cannot go never waits for, or makes, a card.
    blockers = invoice_own_blockers(invoice, context)
    if not blockers and not _parties_ready(job, invoice, context):
        return None
    if blockers:
        message = "\n".join(str(blocker) for blocker in blockers)
        export_job_fail(job=job, error=message, kind=ErrorKind.CONFIGURATION)
        return None
    return invoice, invoice_snapshot(invoice, context, reference=job.reference)


def _parties_ready(job: ExportJob, invoice: Invoice, context: ExportContext) -> bool:
    """The customer (and project) exist in e-conomic; if they are still on their way, the
    invoice waits; if they failed, the invoice fails with their reason."""
    waits = [(JobKind.CUSTOMER, invoice.customer_id, context.customers)]
    if context.connection.sync_projects and invoice.project_id:
        waits.append((JobKind.PROJECT, invoice.project_id, context.projects))
    for kind, object_id, known in waits:
        if object_id in known:
            continue
        context.refresh_links()
        known = context.customers if kind == JobKind.CUSTOMER else context.projects
        if object_id in known:
            continue
        party = ExportJob.objects.filter(
            connection=job.connection_id, kind=kind, object_id=object_id
        )
        failed = party.filter(state__in=(JobState.FAILED, JobState.DEAD)).first()
        if kind == JobKind.CUSTOMER and job.run_id is None and not party.exists():
            _customer_job_for_retried(job, object_id)  # blocked on finalize, so no card was made
            return False
        if failed is not None or not party.exists():
            named = JobKind(kind).label.lower()
            reason = failed.last_error if failed else _("no %(kind)s job exists for it") % {
                "kind": named
            }
            message = _("%(invoice)s: its %(kind)s is not in e-conomic: %(reason)s") % {
                "invoice": invoice, "kind": named, "reason": reason
            }
            export_job_fail(job=job, kind=ErrorKind.CONFIGURATION, error=message)
        else:
            export_job_release(job=job)
        return False
    return True


def _customer_job_for_retried(job: ExportJob, customer_id: int) -> None:
    queued = customer_job_queue(connection=job.connection, customer_id=customer_id,
                                installation=installation_code())  # fmt: skip
    export_job_tasks_enqueue(job_ids=[queued.pk])
    export_job_release(job=job)


# -- call and record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How the steps ended: done with e-conomic's numbers, or a problem a person must act on."""

    numbers: dict = field(default_factory=dict)
    problem: str = ""


def invoice_send(
    *, job: ExportJob, invoice: Invoice, snapshot: payloads.InvoiceSnapshot,
    client: EconomicClient, context: ExportContext, reconcile: bool,
    answered: Answered | None = None,
) -> None:  # fmt: skip
    """Send one claimed invoice by the job's method and record the outcome. Safe after a lost
    answer (`reconcile`): what may have been written is looked up first."""
    try:
        outcome = _steps(job, invoice, snapshot, client, context, reconcile)
    except EconomicError as error:
        export_job_fail(job=job, error=error_about(error, str(invoice)))
        return
    if outcome is None:
        return  # the lease was lost on the way: the job's holder goes on
    if outcome.problem:
        export_job_fail(job=job, error=f"{invoice}: {outcome.problem}", kind=ErrorKind.PERMANENT)
        return
    if answered is not None:
        answered.add(job=job, invoice=invoice, numbers=outcome.numbers)
        return
    export_job_done(
        job=job, on_done=lambda: invoice_exports_record(jobs=[(job, invoice)], context=context),
        **outcome.numbers,
    )  # fmt: skip


def _steps(job, invoice: Invoice, snapshot, client, context, reconcile) -> Outcome | None:
    """The steps in order; None when this worker lost its lease between two of them."""
    if reconcile and job.method == ExportMethod.BOOKED:
        if found := client.booked_invoices_find(job.reference):
            return _adopted(found[0], snapshot) or _booked_outcome(found[0])
    found = client.draft_invoices_find(job.reference) if reconcile and not job.draft_number else []
    if found and (not_ours := _adopted(found[0], snapshot)):
        return not_ours
    drafted = _draft(job, snapshot, client, context, found)
    if drafted is None:
        return None
    draft, fresh = drafted
    if _pdf_wanted(job, context) and not _attach(job, invoice, client):
        return None
    return draft_totals_checked(job=job, snapshot=snapshot, draft=draft, fresh=fresh,
                                client=client, context=context)  # fmt: skip


def _draft(job: ExportJob, snapshot, client, context, found) -> tuple[dict, bool] | None:
    """The draft in e-conomic and whether this attempt made it: the one already recorded ({}:
    its totals are read again when they are compared), the one `found` by reference, or a new
    one. None: the lease was lost."""
    if job.draft_number:
        return {}, False
    draft = found[0] if found else client.draft_invoice_create(
        payloads.draft_invoice_payload(snapshot), idempotency_key=job.key
    )  # fmt: skip
    numbers = {"draft_number": draft["draftInvoiceNumber"],
               "exchange_rate": payloads.exchange_rate_per_unit(draft)}  # fmt: skip
    if job.method == ExportMethod.DRAFT and not _pdf_wanted(job, context):
        job.draft_number = numbers["draft_number"]  # recorded with the job's end, next
        job.exchange_rate = numbers["exchange_rate"]
        return draft, not found
    # Steps follow: keep the number first, so a later attempt goes on from this draft.
    return (draft, not found) if export_job_progress(job=job, **numbers) else None


def _adopted(document: dict, snapshot: payloads.InvoiceSnapshot) -> Outcome | None:
    """None when a document found by our reference is this invoice's (its customer and date);
    otherwise the problem, and nothing is adopted: the reference alone does not make it ours."""
    customer = (document.get("customer") or {}).get("customerNumber")
    date = document.get("date")
    if customer in (None, snapshot.customer_number) and date in (
        None,
        snapshot.issue_date.isoformat(),
    ):
        return None
    number = document.get("bookedInvoiceNumber") or document.get("draftInvoiceNumber")
    return Outcome(problem=(
        _("e-conomic's document %(number)s carries our reference %(reference)s but is customer "
          "%(customer)s's of %(date)s, not this invoice's (customer %(ours)s, %(issued)s); "
          "nothing was adopted or sent. Look the document up in e-conomic: delete it if it is a "
          "stray, then retry.")
        % {"number": number, "reference": snapshot.reference, "customer": customer, "date": date,
           "ours": snapshot.customer_number, "issued": snapshot.issue_date.isoformat()}
    ))  # fmt: skip


def _pdf_wanted(job: ExportJob, context: ExportContext) -> bool:
    return context.connection.include_pdf and not job.pdf_attached


def _attach(job: ExportJob, invoice: Invoice, client: EconomicClient) -> bool:
    pdf = invoice_render_pdf(invoice=invoice)
    client.draft_invoice_attach(job.draft_number, pdf, idempotency_key=f"{job.key}:pdf")
    return export_job_progress(job=job, pdf_attached=True)


def draft_totals_checked(
    *, job: ExportJob, snapshot: payloads.InvoiceSnapshot, draft: dict, fresh: bool,
    client: EconomicClient, context: ExportContext,
) -> Outcome | None:  # fmt: skip
    """e-conomic prices the draft itself: only a draft whose totals are ours (to within how the
    two ways of rounding VAT can differ) stays, and is booked by the booked method. A draft left
    by an earlier attempt that is not ours is replaced (its cause was fixed since, or the retry
    would have been refused); a new one that is not ours stays, named, for a person."""
    if "grossAmount" not in draft:
        try:
            draft = client.draft_invoice_get(job.draft_number)
        except NotFoundError as error:
            if job.method == ExportMethod.BOOKED:
                # Booked by an earlier attempt whose answer was lost (and whose lookup failed
                # too), or by a person: the booked invoice is found by reference.
                return _booked_after_all(job, client, error)
            draft, fresh = client.draft_invoices_find(job.reference)[:1] or [{}], False
    problem, difference = _totals_problem(job, snapshot, draft, context)
    if problem and not fresh:
        draft = _draft_replace(job, snapshot, draft, client)
        if draft is None:
            return None
        problem, difference = _totals_problem(job, snapshot, draft, context)
    if problem:
        return Outcome(problem=problem)
    if job.method == ExportMethod.DRAFT:
        return Outcome({"draft_number": job.draft_number, "exchange_rate": job.exchange_rate,
                        "vat_difference": difference})  # fmt: skip
    booked = _book(job, snapshot, client, context)
    return Outcome({**booked.numbers, "vat_difference": difference}, booked.problem)


def _totals_problem(job, snapshot, draft: dict, context) -> tuple[str, Decimal | None]:
    """What is wrong with the draft's totals ("" when nothing), and its VAT less ours. The
    answer also tells how the agreement rounds VAT, when the two ways give different VAT."""
    if not draft:
        return _("its draft is gone from e-conomic"), None
    theirs, vat = (Decimal(str(draft.get(name, 0))) for name in ("grossAmount", "vatAmount"))
    learned = rounding_of_answer(snapshot=snapshot, context=context, vat=vat)
    if learned:
        rounding_learn(connection=context.connection, rounding=learned)
    allowed = max(TOLERANCE, sum(
        (rounding_tolerance(snapshot, code) for code in figures_ours(snapshot).vat_by_code),
        Decimal("0"),
    ))  # fmt: skip
    if abs(theirs - snapshot.gross_total) <= allowed:
        return "", vat - snapshot.vat_total
    fate = (
        _("it was not booked") if job.method == ExportMethod.BOOKED else _("it stands as a draft")
    )
    number = draft.get("draftInvoiceNumber", job.draft_number)
    return (
        _("e-conomic's draft %(number)s totals %(theirs)s %(currency)s gross, ours %(ours)s; "
          "%(fate)s. The VAT of a line differs: check that each line's product is in a product "
          "group whose sales account has the VAT our lines carry, then retry (the draft is then "
          "replaced), or correct the draft in e-conomic.")
        % {"number": number, "theirs": f"{theirs:.2f}", "currency": snapshot.currency,
           "ours": f"{snapshot.gross_total:.2f}", "fate": fate}
    ), vat - snapshot.vat_total  # fmt: skip


def _draft_replace(job: ExportJob, snapshot, draft: dict, client: EconomicClient) -> dict | None:
    """Delete a stale draft and make it again from what our ledger says now; None: the lease was
    lost. The new one's key names the attempt: e-conomic would answer the first body's key with
    the stale draft (or PayloadChanged)."""
    stale = draft.get("draftInvoiceNumber")
    if stale:
        try:
            client.draft_invoice_delete(stale, idempotency_key=f"{job.key}:delete:{stale}")
        except NotFoundError:
            pass  # gone already (an attempt before this one deleted it)
    new = client.draft_invoice_create(
        payloads.draft_invoice_payload(snapshot), idempotency_key=f"{job.key}~{job.attempts}"
    )
    numbers = {"draft_number": new["draftInvoiceNumber"],
               "exchange_rate": payloads.exchange_rate_per_unit(new)}  # fmt: skip
    return new if export_job_progress(job=job, **numbers) else None


def _book(job, invoice, client: EconomicClient, context: ExportContext) -> Outcome:
    ours = context.connection.number_policy == NumberPolicy.OURS
    body = payloads.booking_payload(
        draft_number=job.draft_number, book_with_number=invoice.number if ours else None
    )
    try:
        # The key names the draft: a retry that had to replace a stale draft books another.
        booked = client.invoice_book(body, idempotency_key=f"{job.key}:book:{job.draft_number}")
    except NotFoundError:
        raise
    except EconomicError as error:
        if not (error.ambiguous or error.code == "E06000"):
            raise
        return _booked_after_all(job, client, error)
    return _booked_outcome(booked)


def _booked_outcome(booked: dict) -> Outcome:
    return Outcome({"booked_number": booked["bookedInvoiceNumber"],
                    "exchange_rate": payloads.exchange_rate_per_unit(booked)})  # fmt: skip


def _booked_after_all(job: ExportJob, client: EconomicClient, error: EconomicError) -> Outcome:
    """The booking's answer was lost, or the draft is gone (booked by an attempt whose answer
    was lost): the booked invoice is found by our reference, else `error` stands."""
    try:
        found = client.booked_invoices_find(job.reference)
    except EconomicError as lookup_error:
        # Whether the booking happened is still unknown: an ambiguous first error is kept, so
        # the next attempt looks the invoice up before anything else.
        raise (error if error.ambiguous else lookup_error) from None
    if not found:
        raise error
    return _booked_outcome(found[0])

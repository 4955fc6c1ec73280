"""Invoices as vouchers in a journal, a batch at a time: claim job by job until the batch is
full -> prepare each (as an invoice is, `invoice_job_prepare`) -> one bulk POST (e-conomic takes
an array) -> record the batch in one short transaction, the PDF uploaded to each voucher first
when it is wanted.

If the answer is lost, every job of the batch is looked up by its entry text (which holds our
reference) before anything is sent again.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.utils.translation import gettext

from accounts_app.models import Invoice
from accounts_app.services import invoice_render_pdf
from integration.economic import payloads
from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError
from integration.models import ErrorKind, ExportJob
from integration.services.export_context import ExportContext, invoices_for_export
from integration.services.exports.answered import invoice_exports_record
from integration.services.exports.credited_draft import credited_draft_delete
from integration.services.exports.invoice_job import invoice_job_prepare
from integration.services.exports.jobs import (
    Claim,
    error_about,
    export_job_claim,
    export_job_done,
    export_job_fail,
    export_job_progress,
    export_jobs_done,
)

VOUCHER_BATCH = 50
LOOKUP_CHUNK = 20  # texts per `$or` filter: keeps the URL short


def voucher_jobs_send(
    *, jobs: list[ExportJob], client: EconomicClient, context: ExportContext
) -> int:
    """Claim until a batch is full, send it, go on; answer how many were claimed. Workers
    listing the same jobs at once take turns claiming them, so each still fills whole batches
    (one call per VOUCHER_BATCH) when the listing holds a batch for each of them."""
    claims: list[Claim] = []
    handled = 0
    for job in jobs:
        if claim := export_job_claim(job=job):
            claims.append(claim)
        if len(claims) == VOUCHER_BATCH:
            _prepare_and_send(claims, client, context)
            handled, claims = handled + len(claims), []
    if claims:
        _prepare_and_send(claims, client, context)
    return handled + len(claims)


def _prepare_and_send(claims: list[Claim], client, context: ExportContext) -> None:
    items = []
    invoices = {
        invoice.pk: invoice
        for invoice in invoices_for_export(claim.job.object_id for claim in claims)
    }
    for claim in claims:
        invoice = invoices.get(claim.job.object_id)
        prepared = invoice_job_prepare(job=claim.job, context=context, invoice=invoice)
        if prepared is not None and not credited_draft_delete(
            job=claim.job, invoice=prepared[0], client=client, context=context
        ):
            items.append((claim.job, *prepared, claim.reconcile))
    if items:
        vouchers_send(items=items, client=client, context=context)


def accounting_year(invoice: Invoice, context: ExportContext) -> str:
    """The accounting year the voucher goes into: the cached year holding the invoice date
    ("2025/2026" for a split year). An invoice in no known year never gets here: it is a
    blocker (`invoice_blockers`), so nothing is sent for it."""
    year = context.accounting_year_for(invoice.issue_date)
    if year is None:
        raise ValueError(f"{invoice} is dated in no accounting year e-conomic has")
    return year


def vouchers_send(
    *, items: list[tuple[ExportJob, Invoice, payloads.InvoiceSnapshot, bool]],
    client: EconomicClient, context: ExportContext,
) -> None:  # fmt: skip
    """Send a batch of claimed, prepared voucher jobs, (job, invoice, snapshot, reconcile) each,
    and record the outcome."""
    journal = context.connection.voucher_journal_number
    for job, invoice, snapshot, _ in [item for item in items if item[0].voucher_number]:
        # Sent before; only what came after (the PDF, the booking) is left to do.
        _record(job, invoice, job.voucher_number, job.voucher_year, client, context,
                exchange_rate=job.exchange_rate, text=payloads.voucher_text(snapshot))  # fmt: skip
    items = [item for item in items if not item[0].voucher_number]
    pending = _adopt_found(items, client, context, journal)
    if not pending:
        return
    body = [
        payloads.voucher_payload(snapshot, accounting_year=accounting_year(invoice, context),
                                 journal_number=journal)
        for _, invoice, snapshot, _ in pending
    ]  # fmt: skip
    try:
        answer = client.vouchers_create(journal, body, idempotency_key=_batch_key(pending))
    except EconomicError as error:
        _fail_batch(pending, error)
        return
    answer, pending = _as_sent(pending, answer)
    answered = [
        (job, invoice, voucher["voucherNumber"], voucher["accountingYear"]["year"],
         _applied_rate(voucher))
        for (job, invoice, _, _), voucher in zip(pending, answer, strict=True)
    ]  # fmt: skip
    if not answered:
        return
    if context.connection.include_pdf or context.connection.book_vouchers:
        for (job, invoice, number, year, rate), voucher in zip(answered, answer, strict=True):
            entries = [entry["journalEntryNumber"]
                       for entry in voucher["entries"]["manualCustomerInvoices"]]  # fmt: skip
            _record(job, invoice, number, year, client, context, exchange_rate=rate,
                    entries=entries)  # fmt: skip
    else:
        _record_batch(answered, context)


def _as_sent(pending: list, answer: list[dict]) -> tuple[list[dict], list]:
    """e-conomic's answer compared with what was sent, voucher by voucher: its entries must sum
    to our gross, with our VAT. One that does not fails its job for a person, the voucher named
    (it stands in the journal, unbooked); the others go on."""
    kept_answer, kept = [], []
    for item, voucher in zip(pending, answer, strict=True):
        job, invoice, snapshot, _ = item
        entries = voucher["entries"]["manualCustomerInvoices"]
        gross = sum((Decimal(str(entry["amount"])) for entry in entries), Decimal("0"))
        vat = sum(
            (Decimal(str(entry.get("contraVatAmount", 0))) for entry in entries), Decimal("0")
        )
        if (gross, vat) == (snapshot.gross_total, snapshot.vat_total):
            kept_answer.append(voucher)
            kept.append(item)
            continue
        export_job_fail(job=job, kind=ErrorKind.PERMANENT, error=(
            gettext("%(invoice)s: e-conomic's voucher %(voucher)s in journal %(journal)s holds "
              "%(gross)s %(currency)s gross with %(vat)s VAT, ours %(our_gross)s with "
              "%(our_vat)s; it was not booked. Correct or delete it in the journal, then retry.")
            % {"invoice": invoice, "voucher": voucher["voucherNumber"],
               "journal": voucher["journal"]["journalNumber"], "gross": f"{gross:.2f}",
               "currency": snapshot.currency, "vat": f"{vat:.2f}",
               "our_gross": f"{snapshot.gross_total:.2f}", "our_vat": f"{snapshot.vat_total:.2f}"}
        ))  # fmt: skip
    return kept_answer, kept


def _applied_rate(voucher: dict) -> Decimal | None:
    """The rate e-conomic applied, answered on each of the voucher's entries (one invoice, one
    rate: the first entry's)."""
    entry = voucher["entries"]["manualCustomerInvoices"][0]
    return payloads.exchange_rate_per_unit(entry)


def _batch_key(items) -> str:
    # The same batch resent is the same operation; a batch made of other jobs is another one.
    joined = ",".join(job.key for job, *_ in items)
    return "lb-vouchers-" + hashlib.sha256(joined.encode()).hexdigest()[:40]


def _adopt_found(items, client, context, journal) -> list:
    """Jobs whose earlier answer was lost are looked up by entry text; found ones are done."""
    lost = [item for item in items if item[3]]
    if not lost:
        return items
    texts = {payloads.voucher_text(snapshot): (job, invoice) for job, invoice, snapshot, _ in lost}
    found: dict[str, dict] = {}
    names = list(texts)
    try:
        for start in range(0, len(names), LOOKUP_CHUNK):
            for entry in client.journal_entries_find(journal, names[start : start + LOOKUP_CHUNK]):
                found.setdefault(entry.get("text", ""), entry)
    except EconomicError as error:
        _fail_batch(lost, error)
        return [item for item in items if not item[3]]
    for text, entry in found.items():
        job, invoice = texts[text]
        voucher = entry["voucher"]
        _record(
            job,
            invoice,
            voucher["voucherNumber"],
            voucher["accountingYear"]["year"],
            client,
            context,
            exchange_rate=payloads.exchange_rate_per_unit(entry),
            text=text,
        )
    return [item for item in items if payloads.voucher_text(item[2]) not in found]


def _fail_batch(items, error: EconomicError) -> None:
    # e-conomic validates the whole array before storing any of it: one refusal fails the batch,
    # and the message names the voucher (arrayIndex) it was about.
    for job, invoice, _, _ in items:
        export_job_fail(job=job, error=error_about(error, str(invoice)))


def _record_batch(answered: list, context: ExportContext) -> None:
    """Without PDFs nothing follows the call: the whole batch is recorded in one transaction."""
    invoices = {job.pk: invoice for job, invoice, *_ in answered}
    export_jobs_done(
        done=[(job, {"voucher_number": number, "voucher_year": str(year), "exchange_rate": rate})
              for job, _, number, year, rate in answered],
        on_done=lambda finished: invoice_exports_record(
            jobs=[(job, invoices[job.pk]) for job in finished], context=context
        ),
    )  # fmt: skip


def _record(
    job, invoice, number: int, year: str, client, context: ExportContext, *,
    exchange_rate: Decimal | None, entries: list[int] | None = None, text: str = "",
) -> None:  # fmt: skip
    """What follows a voucher's creation, each step kept before the next: the PDF uploaded, the
    voucher booked (with "book vouchers"), then the job done. `entries` are its journal entries
    when the creation's answer named them; otherwise they are found by `text`."""
    numbers = {"voucher_number": number, "voucher_year": str(year), "exchange_rate": exchange_rate}
    pdf = context.connection.include_pdf and not job.pdf_attached
    book = context.connection.book_vouchers and not job.voucher_booked
    if pdf or book:
        # Steps follow: keep the voucher first, so a later attempt only does what is left.
        if not export_job_progress(job=job, **numbers):
            return  # taken over after our lease ran out: the holder finds the voucher by its text
        numbers = {}
    if pdf:
        try:
            client.voucher_attach(
                context.connection.voucher_journal_number, str(year), number,
                invoice_render_pdf(invoice=invoice), idempotency_key=f"{job.key}:pdf",
            )  # fmt: skip
        except EconomicError as error:
            # The voucher stands; the next attempt only uploads the PDF (the number is kept).
            export_job_fail(job=job, error=error_about(
                error, gettext("%(invoice)s: the PDF upload failed") % {"invoice": invoice}
            ))  # fmt: skip
            return
        if book and not export_job_progress(job=job, pdf_attached=True):
            return
        numbers["pdf_attached"] = True
    if book:
        try:
            _book(job, number, entries, text, client, context)
        except EconomicError as error:
            # The voucher stands in the journal; the next attempt books it (or a person does).
            export_job_fail(
                job=job, error=error_about(
                    error, gettext("%(invoice)s: booking the voucher failed") % {"invoice": invoice}
                )
            )
            return
        numbers["voucher_booked"] = True
    export_job_done(
        job=job, on_done=lambda: invoice_exports_record(jobs=[(job, invoice)], context=context),
        **numbers,
    )  # fmt: skip


def _book(job, number: int, entries: list[int] | None, text: str, client, context) -> None:
    """Book the voucher's entries through the Journals API. Entries no longer in the journal
    were booked already (an attempt whose answer was lost, or a person): nothing is left."""
    journal = context.connection.voucher_journal_number
    if entries is None:
        entries = [
            entry["journalEntryNumber"]
            for entry in client.journal_entries_find(journal, [text])
            if entry.get("voucher", {}).get("voucherNumber") == number
        ]
    if entries:
        client.journal_entries_book(journal, entries, idempotency_key=f"{job.key}:book:{number}")

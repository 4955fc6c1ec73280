"""Invoices e-conomic has answered for, recorded together: one short transaction for several
(`export_jobs_done`), with the rows of the calls made for them, instead of a transaction and a
row each. What a draft's export costs our side is mostly those statements.

Until it is recorded, an answered job stays in flight under its lease. Should the worker die
first, the lease runs out and the next attempt finds the document by its reference, as after
any lost answer: nothing is sent twice, the record is only later.
"""

from __future__ import annotations

from accounts_app.models import Invoice
from accounts_app.services import invoices_external_numbers_set
from integration.models import ExportJob, InvoiceExport
from integration.models.connection import NumberPolicy
from integration.services.connections import ApiCallLog
from integration.services.export_context import ExportContext
from integration.services.exports.jobs import export_jobs_done

# Recorded at the latest after this many: a run's progress lags by at most as many calls.
TOGETHER = 10


class Answered:
    def __init__(self, *, context: ExportContext, calls=None) -> None:
        self.context = context
        self.calls = calls if isinstance(calls, ApiCallLog) else None
        self.items: list[tuple[ExportJob, Invoice, dict]] = []

    def add(self, *, job: ExportJob, invoice: Invoice, numbers: dict) -> None:
        self.items.append((job, invoice, numbers))
        if len(self.items) >= TOGETHER:
            self.record()

    def record(self) -> None:
        """Write the calls' rows, then every answered job done with its invoice's export."""
        if self.calls is not None:
            self.calls.flush()
        items, self.items = self.items, []
        if not items:
            return
        invoices = {job.pk: invoice for job, invoice, _ in items}
        export_jobs_done(
            done=[(job, numbers) for job, _, numbers in items],
            on_done=lambda finished: invoice_exports_record(
                jobs=[(job, invoices[job.pk]) for job in finished], context=self.context
            ),
        )  # fmt: skip


def invoice_exports_record(
    *, jobs: list[tuple[ExportJob, Invoice]], context: ExportContext
) -> None:
    """Show e-conomic's number beside ours, for several invoices in one statement. Our gap-free
    number is never changed: e-conomic's is kept as `economic_number` for display and search,
    and with the number policy "copy back" on the invoice too (`external_number`)."""
    rows = [
        InvoiceExport(
            connection=context.connection, invoice=invoice, job=job, method=job.method,
            draft_number=job.draft_number, booked_number=job.booked_number,
            voucher_number=job.voucher_number, exchange_rate=job.exchange_rate,
            vat_difference=job.vat_difference,
            economic_number=str(job.booked_number or job.voucher_number or job.draft_number or ""),
        )
        for job, invoice in jobs
    ]  # fmt: skip
    # Insert or update: a re-export (another method, a retry) replaces the row.
    InvoiceExport.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["connection", "invoice"],
        update_fields=["job", "method", "draft_number", "booked_number", "voucher_number",
                       "economic_number", "exchange_rate", "vat_difference", "exported_at"],
    )  # fmt: skip
    if context.connection.number_policy == NumberPolicy.COPY_BACK:
        invoices_external_numbers_set(numbers={row.invoice.pk: row.economic_number for row in rows})

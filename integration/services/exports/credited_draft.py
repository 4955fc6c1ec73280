"""A credit note for an invoice that went to e-conomic as a draft nobody has booked yet: the
draft is deleted there instead of a credit note being sent, since a draft is in nobody's
books and needs nothing to cancel it. The credit note's own job does it, claimed like any other:
claim -> prepare (as an invoice is) -> look the draft up -> delete it -> record both.

Every attempt first reads the draft by its number and checks it carries the original's
reference, so a draft number that e-conomic gave to another document since is never deleted,
and an attempt whose answer was lost finds the draft gone. A draft that is gone was either
deleted (by us or a person: done) or booked by a person meanwhile: then a booked invoice carries
the original's reference, and the credit note goes as usual.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts_app.models import Invoice
from accounts_app.services import invoices_external_numbers_set
from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError, NotFoundError
from integration.models import ErrorKind, ExportJob, InvoiceExport
from integration.models.connection import ExportMethod, NumberPolicy
from integration.services.export_context import ExportContext
from integration.services.exports.jobs import error_about, export_job_done, export_job_fail
from integration.services.installation import invoice_reference


def credited_draft_of(*, invoice: Invoice, context: ExportContext) -> InvoiceExport | None:
    """The export of the invoice this credit note credits, when it left a draft in e-conomic
    that had not been booked when we last knew; None for anything else (no query then)."""
    if not invoice.credited_invoice_id:
        return None
    return (
        InvoiceExport.objects.select_related("job", "invoice")
        .filter(connection=context.connection, invoice=invoice.credited_invoice_id,
                method=ExportMethod.DRAFT, draft_number__isnull=False, booked_number=None)
        .first()
    )  # fmt: skip


def credited_draft_delete(
    *, job: ExportJob, invoice: Invoice, client: EconomicClient, context: ExportContext
) -> bool:
    """Delete the credited invoice's unbooked draft in place of sending the credit note, and
    record both. True when the job was handled so (done, or failed and recorded); False when
    the credit note is to go as usual (not such a credit note, or the draft was booked)."""
    export = credited_draft_of(invoice=invoice, context=context)
    if export is None:
        return False
    try:
        deleted = _delete_if_ours(job, export, client, context)
    except EconomicError as error:
        export_job_fail(job=job, error=error_about(
            error, _("%(invoice)s: deleting the draft") % {"invoice": invoice}
        ))  # fmt: skip
        return True
    except ForeignDraft as problem:
        export_job_fail(job=job, error=f"{invoice}: {problem}", kind=ErrorKind.PERMANENT)
        return True
    if not deleted:
        return False
    note = _(
        "Not sent: the original's draft %(draft)s was deleted in e-conomic instead, since "
        "%(invoice)s was credited before anyone booked it."
    ) % {"draft": export.draft_number, "invoice": export.invoice}
    export_job_done(job=job, on_done=lambda: _record(export, context), note=note)
    return True


class ForeignDraft(Exception):
    """The draft number holds a document without the original's reference: not ours to delete."""


def _delete_if_ours(job: ExportJob, export: InvoiceExport, client: EconomicClient, context) -> bool:
    """True: the draft is deleted now, or was gone and never booked. False: it was booked."""
    reference = _reference_of(export, context)
    try:
        draft = client.draft_invoice_get(export.draft_number)
        if draft.get("references", {}).get("other") != reference:
            raise ForeignDraft(
                _("e-conomic's draft %(draft)s no longer carries %(reference)s, so it was not "
                  "deleted and no credit note was sent. Delete the draft of %(invoice)s in "
                  "e-conomic by hand, or put the reference back, then retry.")
                % {"draft": export.draft_number, "reference": reference,
                   "invoice": export.invoice}
            )
        client.draft_invoice_delete(export.draft_number, idempotency_key=f"{job.key}:delete")
        return True
    except NotFoundError:
        pass  # gone: deleted by an attempt whose answer was lost, by a person, or booked
    return not client.booked_invoices_find(reference)


def _reference_of(export: InvoiceExport, context: ExportContext) -> str:
    # The reference the draft was written with: its job's, else the one made the same way.
    if export.job is not None:
        return export.job.reference
    return invoice_reference(export.invoice, installation=context.installation)


def _record(export: InvoiceExport, context: ExportContext) -> None:
    """The original's export shows its draft deleted (inside the job's done transaction)."""
    InvoiceExport.objects.filter(pk=export.pk).update(
        draft_deleted_at=timezone.now(), economic_number=f"draft {export.draft_number} deleted"
    )
    if context.connection.number_policy == NumberPolicy.COPY_BACK:
        # The number copied back named a draft that no longer exists.
        invoices_external_numbers_set(numbers={export.invoice_id: ""})

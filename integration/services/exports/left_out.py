"""The invoices of a selection that a run does not export, each with why, in the vocabulary of
what blocks an export (`integration.services.blockers.Blocker`): a draft ("not finalized"), one
e-conomic already has ("already booked as 1042"), and, when the person chose to export the
rest, one with a blocker. Kept on the run as it starts (`ExportRun.left_out`), so its page can
say why an invoice chosen is not among its jobs."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts_app.models import Invoice
from integration.models import ExportJob
from integration.services.blockers import Blocker
from integration.services.exports.snapshots import label

NOT_FINALIZED = "not_finalized"
ALREADY_EXPORTED = "already_exported"


def left_out_entry(invoice: Invoice, blockers: list[Blocker], subject: str) -> dict:
    """What the run keeps of one invoice left out: its id, its name and each reason with its
    fix (stored in the words of the day: a run records what was said at its start)."""
    return {
        "invoice_id": invoice.pk,
        "invoice": subject,
        "reasons": [
            {"code": blocker.code, "problem": blocker.problem, "fix": blocker.fix}
            for blocker in blockers
        ],
    }


def exported_entry(job: ExportJob, invoice: Invoice) -> dict:
    """The entry of an invoice whose earlier job is done: e-conomic has it."""
    return left_out_entry(invoice, [exported_blocker(job, label(invoice))], label(invoice))


def exported_blocker(job: ExportJob, subject: str) -> Blocker:
    """e-conomic has the invoice from an earlier export: it is never sent twice."""
    if job.voucher_number:
        problem = _("already sent as journal voucher %(number)s.") % {"number": job.voucher_number}
    elif job.booked_number:
        problem = _("already booked as %(number)s.") % {"number": job.booked_number}
    elif job.draft_number:
        problem = _("already in e-conomic as draft %(number)s, not booked yet.") % {
            "number": job.draft_number
        }
    else:
        problem = _("already exported by an earlier run.")
    return Blocker(
        subject, problem, _("Nothing to do: e-conomic has it, and an invoice is never sent twice."),
        code=ALREADY_EXPORTED,
    )  # fmt: skip

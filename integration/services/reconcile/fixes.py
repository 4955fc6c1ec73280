"""The fixes a person takes on a finding, one click each. None of them changes an issued
invoice: a re-export sends our invoice as it stands, a relink or an acceptance changes only
where our export points or our customer card, and marking handled changes nothing but the
finding.

- re-export: a draft deleted or priced otherwise in e-conomic is sent again through an export
  run (`export_run_redo`); a changed card gets our card pushed. The finding stays open until the
  next run finds e-conomic in agreement.
- relink: a document with our reference that no export of ours records becomes our invoice's.
- accept e-conomic's state: a booked draft's number recorded, a deleted draft recorded as
  deleted, a remainder brought in by importing that invoice's payments, a card's fields taken
  into our customer; for a difference our ledger cannot take (an issued invoice's totals,
  customer or accounts) it is kept as handled, so it is not raised again while e-conomic's side
  stays so.
- mark handled: a person settled it outside.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts_app.models import Invoice
from accounts_app.services.invoices import invoices_external_numbers_set
from integration.models import (
    FindingKind,
    FindingState,
    ImportTrigger,
    InvoiceExport,
    ReconcileFinding,
)
from integration.models.connection import ExportMethod, NumberPolicy
from integration.services.blockers import Refused
from integration.services.exports.changes import customer_card_push
from integration.services.exports.runs import export_run_redo
from integration.services.installation import installation_code
from integration.services.payments.imports import payments_import_queue
from integration.services.reconcile.findings import finding_close, finding_note

REEXPORT, RELINK, ACCEPT, HANDLED = "reexport", "relink", "accept", "handled"
FIX_LABELS = {
    REEXPORT: gettext_lazy("Re-export"),
    RELINK: gettext_lazy("Relink"),
    ACCEPT: gettext_lazy("Accept e-conomic's state"),
    HANDLED: gettext_lazy("Mark handled"),
}
CARD_TO_CUSTOMER = {
    "name": "name",
    "address": "address",
    "zip": "zip_code",
    "city": "city",
    "email": "email",
    "ean": "ean",
    "corporateIdentificationNumber": "vat_number",
    "vatNumber": "vat_number",
}
REFERENCE = re.compile(r"^LB-(?P<code>[A-Z0-9]+)-(?P<kind>INV|CN)-(?P<number>\d+)$")


class FixRefused(Exception):
    """The fix does not apply to this finding; the message says why and what does."""


def finding_fixes(*, finding: ReconcileFinding) -> list[str]:
    """The fixes that apply to this finding now."""
    if finding.state != FindingState.OPEN:
        return []
    kind = finding.kind
    fixes = [ACCEPT, HANDLED]
    if kind in (FindingKind.DRAFT_DELETED, FindingKind.CARD_CHANGED) or _of_our_draft(finding):
        fixes.insert(0, REEXPORT)
    # A stray voucher is reversed in e-conomic, never pointed at: an invoice of ours has one.
    if kind == FindingKind.DRAFT_BOOKED or (
        kind == FindingKind.NOT_OURS and finding.theirs.get("what") != "voucher"
    ):
        fixes.insert(0, RELINK)
    return fixes


def _of_our_draft(finding: ReconcileFinding) -> bool:
    """A totals finding of the draft our export records, unbooked: it can be made again (a
    booked invoice, ours or one a person booked from our draft, never is)."""
    return finding.kind == FindingKind.TOTALS and InvoiceExport.objects.filter(
        connection=finding.connection_id, invoice=finding.invoice_id,
        draft_number=finding.remote_number, booked_number__isnull=True,
    ).exists()  # fmt: skip


def finding_fix(*, finding: ReconcileFinding, fix: str, user=None) -> str:
    """Take one fix; answer what was done, in words. Raises FixRefused when it does not apply."""
    if fix not in finding_fixes(finding=finding):
        offered = ", ".join(str(FIX_LABELS[name]) for name in finding_fixes(finding=finding))
        said = (
            _("%(fix)s does not apply to %(finding)s; it takes: %(offered)s.")
            if offered
            else _("%(fix)s does not apply to %(finding)s: it is closed.")
        )
        raise FixRefused(
            said % {"fix": FIX_LABELS.get(fix, fix), "finding": finding, "offered": offered}
        )
    if fix == HANDLED:
        return _close(finding, FindingState.HANDLED, _("Marked handled."), user)
    if fix == REEXPORT:
        return _reexport(finding, user)
    if fix == RELINK or finding.kind == FindingKind.DRAFT_BOOKED:
        return _relink(finding, user)
    return _accept(finding, user)


def _close(finding: ReconcileFinding, state: str, resolution: str, user) -> str:
    if not finding_close(finding=finding, state=state, resolution=resolution, user=user):
        raise FixRefused(
            _("%(finding)s was closed meanwhile: %(resolution)s")
            % {"finding": finding, "resolution": finding.resolution}
        )
    return resolution


def _reexport(finding: ReconcileFinding, user) -> str:
    if finding.kind == FindingKind.CARD_CHANGED:
        job = customer_card_push(connection=finding.connection, customer=finding.customer)
        done = _("Our card queued for e-conomic (job %(job)s).") % {"job": job.pk}
    else:
        done = _invoice_reexport(finding, user)
    finding_note(finding=finding, resolution=done)
    return done


def _invoice_reexport(finding: ReconcileFinding, user) -> str:
    export = InvoiceExport.objects.filter(
        connection=finding.connection, invoice=finding.invoice_id
    ).select_related("invoice").first()  # fmt: skip
    if export is None:
        raise FixRefused(
            _("%(finding)s: no export of it is recorded any more; run the reconciliation again.")
            % {"finding": finding}
        )
    gone = frozenset([export.invoice_id] if finding.kind == FindingKind.DRAFT_DELETED else [])
    try:
        run = export_run_redo(connection=finding.connection, exports=[export], user=user,
                              selection=_("Re-export of %(invoice)s") % {"invoice": export.invoice},
                              gone=gone)  # fmt: skip
    except Refused as refused:
        raise FixRefused(f"{finding}: {refused}") from None
    return _("Re-export queued in export run %(run)s.") % {"run": run.pk}


def _relink(finding: ReconcileFinding, user) -> str:
    """Point our invoice's export at e-conomic's document with its reference."""
    if finding.kind == FindingKind.DRAFT_BOOKED:
        invoice, what, number = finding.invoice, "booked", finding.theirs["booked_number"]
    else:
        invoice, what, number = _invoice_of(finding), finding.theirs["what"], finding.remote_number
    numbers = (
        {"booked_number": number, "draft_deleted_at": None}
        if what == "booked"
        else {"draft_number": number, "booked_number": None, "draft_deleted_at": None}
    )
    with transaction.atomic():
        InvoiceExport.objects.update_or_create(
            connection=finding.connection,
            invoice=invoice,
            defaults={
                **numbers,
                "economic_number": str(number),
                "method": ExportMethod.BOOKED if what == "booked" else ExportMethod.DRAFT,
            },
        )
        if finding.connection.number_policy == NumberPolicy.COPY_BACK:
            invoices_external_numbers_set(numbers={invoice.pk: str(number)})
        return _close(
            finding,
            FindingState.FIXED,
            (
                _("%(invoice)s now points at e-conomic's booked invoice %(number)s.")
                if what == "booked"
                else _("%(invoice)s now points at e-conomic's draft %(number)s.")
            )
            % {"invoice": invoice, "number": number},
            user,
        )


def _invoice_of(finding: ReconcileFinding) -> Invoice:
    match = REFERENCE.match(finding.theirs.get("reference", ""))
    if not match or match["code"] != installation_code():
        raise FixRefused(
            _("%(finding)s: its reference is not one this installation made; mark it handled.")
            % {"finding": finding}
        )
    invoice = Invoice.objects.filter(number=int(match["number"])).first()
    if invoice is None or invoice.is_credit_note != (match["kind"] == "CN"):
        raise FixRefused(
            _("%(finding)s: no invoice of ours has the reference %(reference)s; mark it handled.")
            % {"finding": finding, "reference": match.group(0)}
        )
    return invoice


def _accept(finding: ReconcileFinding, user) -> str:
    kind = finding.kind
    if kind == FindingKind.DRAFT_DELETED:
        InvoiceExport.objects.filter(
            connection=finding.connection, invoice=finding.invoice_id, booked_number__isnull=True
        ).update(draft_deleted_at=timezone.now())
        return _close(finding, FindingState.FIXED, _("Recorded as deleted in e-conomic."), user)
    if kind == FindingKind.REMAINDER:
        return _remainder_accept(finding)
    if kind == FindingKind.CARD_CHANGED:
        return _card_accept(finding, user)
    return _close(
        finding,
        FindingState.HANDLED,
        _("e-conomic's state accepted: our issued invoice stays as it is."),
        user,
    )


def _remainder_accept(finding: ReconcileFinding) -> str:
    if "voucher" in finding.ours:
        # A voucher's payments are found by the whole import: it has no booked number.
        payments_import_queue(connection=finding.connection, trigger=ImportTrigger.MANUAL)
        done = _("A payment import was queued for voucher %(number)s.") % {
            "number": finding.remote_number
        }
    else:
        payments_import_queue(
            connection=finding.connection,
            trigger=ImportTrigger.MANUAL,
            numbers=[finding.remote_number],
        )
        done = _("A payment import of booked invoice %(number)s was queued.") % {
            "number": finding.remote_number
        }
    finding_note(finding=finding, resolution=done)
    return done


def _card_accept(finding: ReconcileFinding, user) -> str:
    customer = finding.customer
    for key, value in finding.theirs.items():
        setattr(customer, CARD_TO_CUSTOMER[key], value)
    try:
        customer.full_clean()
    except ValidationError as error:
        raise FixRefused(
            _(
                "%(finding)s: e-conomic's card does not fit our customer (%(problems)s); edit the "
                "customer, or re-export our card."
            )
            % {"finding": finding, "problems": "; ".join(error.messages)}
        ) from None
    with transaction.atomic():
        customer.save()
        return _close(
            finding,
            FindingState.FIXED,
            _("%(customer)s took e-conomic's %(fields)s.")
            % {"customer": customer, "fields": ", ".join(finding.theirs)},
            user,
        )

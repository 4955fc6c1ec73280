"""Correcting an issued invoice: a credit note cancels it in full and a new draft, a copy of it,
takes its place for a person to edit and finalize. The original never changes; the draft points
at it (`corrects`), as the credit note does (`credited_invoice`), so each of the three documents
leads to the other two."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts_app.errors import InvoiceCorrectError
from accounts_app.models import Invoice
from accounts_app.services.invoices import (
    invoice_credit,
    invoice_draft_save,
    invoice_totals_recompute,
)

# What a correction copies from the invoice it replaces: the header a person would type again.
# Not the number, dates, state, totals or frozen buyer: the copy is a new draft, issued anew.
COPIED_FIELDS = (
    "customer_id", "project_id", "payment_condition_id", "currency", "exchange_rate",
    "our_reference", "their_reference", "notes",
)  # fmt: skip
COPIED_LINE_FIELDS = (
    "position", "service_type_id", "description", "quantity", "unit_price", "discount_percent",
    "vat_code_id", "sales_account_id",
)  # fmt: skip


@dataclass(frozen=True)
class Correction:
    credit_note: Invoice
    draft: Invoice


def invoice_correct(*, invoice: Invoice) -> Correction:
    """Credit a finalized invoice in full and open a draft copy of it (lines, customer, project,
    currency) linked to it, in one transaction: both or neither. The credit note is finalized
    (and so exported like any credit note); the draft exports once a person finalizes it.
    Raises InvoiceCorrectError, changing nothing, for a draft, a credit note, or an invoice
    already corrected or credited."""
    with transaction.atomic():
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _refuse_unless_correctable(original)
        credit_note = invoice_credit(invoice=original)
        draft = _draft_copy(original)
    return Correction(credit_note=credit_note, draft=draft)


def _draft_copy(original: Invoice) -> Invoice:
    draft = Invoice(
        corrects=original,
        issue_date=timezone.localdate(),
        **{name: getattr(original, name) for name in COPIED_FIELDS},
    )
    invoice_draft_save(invoice=draft)
    for line in original.lines.all():
        # A draft's line reads its VAT code as it is now; issuing freezes it again.
        values = {name: getattr(line, name) for name in COPIED_LINE_FIELDS}
        draft.lines.create(**values)
    invoice_totals_recompute(invoice=draft)
    return draft


def invoice_correct_problem(*, invoice: Invoice) -> str | None:
    """Why the invoice cannot be corrected, with the way out; None when it can."""
    if invoice.is_draft:
        return _("%(invoice)s is a draft; edit it instead of correcting it.") % {"invoice": invoice}
    if invoice.is_credit_note:
        return _(
            "%(invoice)s is a credit note and cannot be corrected; it cancels %(credited)s. Issue "
            "a new invoice instead."
        ) % {"invoice": invoice, "credited": invoice.credited_invoice}
    correction = Invoice.objects.filter(corrects=invoice).first()
    if correction is not None:
        return _(
            "%(invoice)s has already been corrected by %(correction)s; edit or finalize that one."
        ) % {"invoice": invoice, "correction": correction}
    if invoice.state == Invoice.State.CREDITED or invoice.credit_notes.exists():
        return _(
            "%(invoice)s has already been credited, so it cannot be corrected; issue a new "
            "invoice instead."
        ) % {"invoice": invoice}
    return None


def _refuse_unless_correctable(invoice: Invoice) -> None:
    if problem := invoice_correct_problem(invoice=invoice):
        raise InvoiceCorrectError(problem)

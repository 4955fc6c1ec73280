"""An exported invoice corrected: its credit note goes by the usual path (here deleting the
unbooked draft), and the correction, once finalized, exports like any invoice, both linked."""

from accounts_app.models import Invoice
from accounts_app.services import invoice_correct, invoice_finalize
from integration.models import InvoiceExport
from tests.exports.conftest import drafts_with, make_invoice, reference_of
from tests.exports.test_credited_drafts import _export


def test_a_corrected_draft_is_replaced_in_e_conomic_by_its_correction(exporting, sandbox):
    original = make_invoice(prices=("100.00",))
    _export(exporting, original)
    old_draft = InvoiceExport.objects.get(invoice=original).draft_number
    correction = invoice_correct(invoice=original)
    draft = correction.draft
    draft.lines.update(unit_price="120.00")

    credit_run = _export(exporting, correction.credit_note)
    issued = invoice_finalize(invoice=draft)
    correction_run = _export(exporting, issued)

    assert (credit_run.done, correction_run.done) == (1, 1)
    assert sandbox.get(f"/invoices/drafts/{old_draft}").status_code == 404
    [remote] = drafts_with(sandbox, reference_of(issued))
    assert remote["grossAmount"] == 300.0  # 2 x 120.00 + 25 % VAT
    assert InvoiceExport.objects.get(invoice=issued).draft_number == remote["draftInvoiceNumber"]
    assert Invoice.objects.get(pk=issued.pk).corrects_id == original.pk

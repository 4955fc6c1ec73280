"""Two installations on one agreement (a test copy beside production): each sends its own
documents, and neither adopts the other's, though their invoice numbers are the same."""

import pytest

from accounts_app.models import Invoice
from integration.models import ExportJob, Installation, InvoiceExport, JobState
from integration.services.exports import export_process, export_run_refresh, export_run_start
from integration.services.installation import installation_code
from tests.exports.conftest import drafts_with, make_invoice, reference_of


def _export(connection, invoice, *, method="draft"):
    run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk),
                           method=method)  # fmt: skip
    export_process(connection=connection, run=run)
    return export_run_refresh(run=run)


def _be_installation(code: str) -> None:
    installation_code()  # the row exists (a database emptied by an earlier test makes it anew)
    Installation.objects.filter(pk=1).update(code=code)


def _become_another_installation(code: str) -> None:
    """What the other database is: another code, and no trace of this one's exports."""
    InvoiceExport.objects.all().delete()
    ExportJob.objects.all().delete()
    _be_installation(code)


def test_the_installation_code_is_made_once_and_kept(db):
    first = installation_code()
    assert len(first) == 6 and installation_code() == first
    assert Installation.objects.count() == 1


@pytest.mark.parametrize("method", ["draft", "booked"])
def test_another_installation_sends_its_own_document_and_adopts_none(exporting, sandbox, method):
    invoice = make_invoice()
    _be_installation("AAAAAA")
    assert _export(exporting, invoice, method=method).done == 1
    ours = reference_of(invoice)
    _become_another_installation("BBBBBB")
    theirs = reference_of(invoice)
    assert theirs != ours and invoice.number and ours.endswith(str(invoice.number))
    run = _export(exporting, invoice, method=method)
    assert (run.done, run.failed) == (1, 0)
    job = ExportJob.objects.get(kind="invoice", object_id=invoice.pk)
    assert job.reference == theirs and "BBBBBB" in job.key
    export = InvoiceExport.objects.get(invoice=invoice)
    if method == "draft":
        [draft] = drafts_with(sandbox, theirs)
        assert export.draft_number == draft["draftInvoiceNumber"]
        [first] = drafts_with(sandbox, ours)
        assert first["draftInvoiceNumber"] != export.draft_number  # the first one's stands
    else:
        booked = sandbox.get("/invoices/booked", params={"filter": f"references.other$eq:{theirs}"})
        [document] = booked.json()["collection"]
        assert export.booked_number == document["bookedInvoiceNumber"]


def test_a_lookup_after_a_lost_answer_finds_only_this_installations_document(exporting, sandbox):
    invoice = make_invoice()
    _be_installation("AAAAAA")
    _export(exporting, invoice)
    _become_another_installation("BBBBBB")
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    # The other installation's first attempt lost its answer: its next one looks up first.
    ExportJob.objects.filter(run=run, kind="invoice").update(state=JobState.NEEDS_RECONCILE)
    export_process(connection=exporting, run=run)
    export = InvoiceExport.objects.get(invoice=invoice)
    [draft] = drafts_with(sandbox, reference_of(invoice))
    assert export.draft_number == draft["draftInvoiceNumber"]
    assert len(drafts_with(sandbox, f"LB-AAAAAA-INV-{invoice.number}")) == 1


def test_a_document_with_our_reference_but_another_customer_is_not_adopted(exporting, sandbox):
    from integration.models import CustomerLink
    from integration.models.mappings import CustomerLinkState
    from tests.exports.conftest import make_customer

    customer = make_customer()
    CustomerLink.objects.create(connection=exporting, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    invoice = make_invoice(customer)
    dry = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk),
                           dry_run=True)  # fmt: skip
    stray = {**dry.report["invoices"][0]["document"], "customer": {"customerNumber": 2}}
    assert sandbox.post("/invoices/drafts", json=stray).status_code == 201
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    ExportJob.objects.filter(run=run, kind="invoice").update(state=JobState.NEEDS_RECONCILE)
    export_process(connection=exporting, run=run)
    job = ExportJob.objects.get(run=run, kind="invoice")
    assert job.state == JobState.FAILED and "is customer 2's" in job.last_error
    assert len(drafts_with(sandbox, reference_of(invoice))) == 1  # nothing sent beside it
    assert not InvoiceExport.objects.filter(invoice=invoice).exists()

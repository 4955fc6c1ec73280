"""The dry run shows what would be sent and every blocker, and writes nothing to e-conomic."""

from accounts_app.models import Invoice
from integration.models import CustomerLink, ExportJob
from integration.models.mappings import CustomerLinkState
from integration.services.exports import export_run_start
from tests.exports.conftest import exempt_vat_code, make_customer, make_invoice, reference_of


def test_a_dry_run_shows_lines_products_zone_terms_layout_and_totals(exporting, sandbox):
    customer = make_customer(vat_situation="exempt")
    CustomerLink.objects.create(connection=exporting, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    # Exempt from VAT: e-conomic's exempt zone charges none, and neither do its lines.
    invoice = make_invoice(customer, prices=("100.00", "50.00"), vat_code=exempt_vat_code(exporting))
    since = sandbox.last_request_id()
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk),
                           dry_run=True, overrides={"layout_number": 20})  # fmt: skip
    assert sandbox.request_log(since) == []  # not even a read
    assert not ExportJob.objects.exists() and run.dry_run
    [entry] = run.report["invoices"]
    assert (entry["layout"], entry["payment_terms"], entry["vat_zone"]) == (20, 2, 4)
    assert (entry["net"], entry["vat"], entry["gross"]) == ("300.00", "0.00", "300.00")
    assert [(line["product_number"], line["quantity"]) for line in entry["lines"]] == [
        ("1", "2.00"), ("1", "2.00"),
    ]  # fmt: skip
    assert entry["document"]["references"] == {"other": reference_of(invoice)}
    assert entry["blockers"] == [] and run.report["setup_blockers"] == []


def test_a_dry_run_lists_every_blocker_instead_of_refusing(exporting, sandbox):
    exporting.default_product_number = ""
    exporting.save()
    invoice = make_invoice(make_customer(address=""))
    since = sandbox.last_request_id()
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk),
                           dry_run=True)  # fmt: skip
    assert sandbox.request_log(since) == []
    [entry] = run.report["invoices"]
    assert any("no e-conomic product" in blocker for blocker in entry["blockers"])
    assert any("has no address" in blocker for blocker in entry["blockers"])
    assert "document" not in entry  # nothing to show where a blocker stands

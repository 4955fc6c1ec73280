"""Bad input is refused before anything is written, in either system, with the fix named."""

import datetime
from decimal import Decimal

import pytest

from accounts_app.models import Invoice
from integration.models import (
    CustomerLink,
    ExportJob,
    ExportRun,
    InvoiceExport,
    RemoteRecord,
    VatCodePairing,
)
from integration.models.mappings import CustomerLinkState
from integration.models.reference import RemoteKind
from integration.services.exports import Refused, export_run_start
from integration.services.setup_check import SetupBlocked
from integration.tasks import export_job_task
from tests.exports.conftest import make_customer, make_invoice, remote_writes
from tests.ledger.factories import ServiceTypeFactory, VatCodeFactory


@pytest.fixture
def nothing_written(exporting, sandbox):
    """After the test: no write reached e-conomic, no run, job, export or link was stored here."""
    since = sandbox.last_request_id()
    yield
    assert remote_writes(sandbox, since) == []
    assert not ExportRun.objects.exists() and not ExportJob.objects.exists()
    assert not InvoiceExport.objects.exists() and not CustomerLink.objects.exists()


def _start(connection, invoice):
    return export_run_start(connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk))


def test_an_unmapped_service_type_without_default_product(exporting, nothing_written):
    exporting.default_product_number = ""
    exporting.save()
    ServiceTypeFactory(name="Design")
    invoice = make_invoice()
    with pytest.raises(
        SetupBlocked, match="Service type 'Design' has no e-conomic product"
    ) as raised:
        _start(exporting, invoice)
    assert "Map the service type to a product, or set a default product" in str(raised.value)


def test_a_line_without_product_names_invoice_and_line(exporting, nothing_written):
    exporting.default_product_number = ""
    exporting.save()
    invoice = make_invoice()
    with pytest.raises(Refused) as raised:
        _start(exporting, invoice)
    message = str(raised.value)
    assert f"Invoice {invoice.number}" in message and "line 1 'Consulting 1'" in message
    assert "set a default product on the connection" in message


def test_an_unpaired_vat_code(exporting, nothing_written):
    VatCodePairing.objects.all().delete()
    invoice = make_invoice()
    with pytest.raises(SetupBlocked, match="VAT code S25 .* is used on invoices but not paired"):
        _start(exporting, invoice)


def test_a_customer_missing_what_economic_needs(exporting, nothing_written):
    customer = make_customer(name="Nordlys", address="", zip_code="", city="")
    invoice = make_invoice(customer)
    with pytest.raises(Refused) as raised:
        _start(exporting, invoice)
    assert "has no address, zip code, city" in str(raised.value)
    assert f"Fill in address, zip code, city on customer {customer.number}" in str(raised.value)


def test_a_date_in_a_barred_accounting_year(exporting, nothing_written):
    two_years_ago = datetime.date(datetime.date.today().year - 2, 6, 1)
    invoice = make_invoice(issue_date=two_years_ago)
    with pytest.raises(SetupBlocked, match=f"dated {two_years_ago.isoformat()}, outside an open"):
        _start(exporting, invoice)


def test_a_currency_economic_does_not_have(exporting, nothing_written):
    RemoteRecord.objects.filter(
        connection=exporting, kind=RemoteKind.CURRENCY, number="SEK"
    ).delete()
    invoice = make_invoice(make_customer(currency="SEK"))
    with pytest.raises(Refused) as raised:
        _start(exporting, invoice)
    assert "is in SEK, a currency e-conomic does not have" in str(raised.value)
    assert "Add SEK in e-conomic (Settings > Currencies)" in str(raised.value)


def test_one_bad_invoice_refuses_the_whole_run(exporting, nothing_written):
    good = make_invoice()
    bad = make_invoice(make_customer(address=""))
    with pytest.raises(Refused) as raised:
        export_run_start(
            connection=exporting, invoices=Invoice.objects.filter(pk__in=[good.pk, bad.pk])
        )
    assert [blocker.subject for blocker in raised.value.blockers] == [
        f"{bad} ({bad.customer.name})"
    ]


def test_a_draft_invoice_cannot_be_exported(exporting, nothing_written):
    invoice = make_invoice()
    draft = Invoice.objects.create(
        customer=invoice.customer, payment_condition=invoice.payment_condition
    )
    with pytest.raises(Refused, match="is a draft"):
        export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=draft.pk))


def test_an_unpaired_vat_code_used_only_here_is_named(exporting, nothing_written):
    other = VatCodeFactory(code="S0", name="No VAT", rate=Decimal("0.00"))
    invoice = make_invoice(vat_code=other)
    with pytest.raises(SetupBlocked, match="VAT code S0"):
        _start(exporting, invoice)


def _no_product(connection):
    connection.default_product_number = ""
    connection.save()
    return {}, "no e-conomic product: no default product is set"


def _unpaired_vat(connection):
    VatCodePairing.objects.all().delete()
    return {}, "which is not paired with an e-conomic VAT code. Fix: Pair it"


def _barred_year(connection):
    return {"issue_date": datetime.date(datetime.date.today().year - 2, 6, 1)}, "closed or barred"


def _missing_currency(connection):
    RemoteRecord.objects.filter(connection=connection, kind=RemoteKind.CURRENCY,
                                number="SEK").delete()  # fmt: skip
    return {"customer": {"currency": "SEK"}}, "is in SEK, a currency e-conomic does not have"


@pytest.mark.parametrize(
    "bad_input", [_no_product, _unpaired_vat, _barred_year, _missing_currency],
    ids=["no-product", "unpaired-vat", "barred-year", "missing-currency"],
)  # fmt: skip
def test_an_automatic_export_refuses_bad_input_before_sending_anything(
    exporting, sandbox, bad_input
):
    """No run stands in front of an export on finalize: the job itself checks before sending."""
    exporting.auto_export = True
    exporting.save()
    fields, reason = bad_input(exporting)
    customer = make_customer(**fields.pop("customer", {}))
    CustomerLink.objects.create(connection=exporting, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    invoice = make_invoice(customer, **fields)
    since = sandbox.last_request_id()
    export_job_task(ExportJob.objects.get(kind="invoice", object_id=invoice.pk).pk)
    job = ExportJob.objects.get(kind="invoice", object_id=invoice.pk)
    assert (job.state, job.error_kind) == ("failed", "configuration")
    assert reason in job.last_error and str(invoice) in job.last_error
    assert remote_writes(sandbox, since) == [] and not InvoiceExport.objects.exists()


def test_an_automatic_export_of_a_customer_missing_what_economic_needs_sends_nothing(
    exporting, sandbox
):
    exporting.auto_export = True
    exporting.save()
    customer = make_customer(name="Nordlys", address="", zip_code="", city="")
    invoice = make_invoice(customer)
    since = sandbox.last_request_id()
    export_job_task(ExportJob.objects.get(kind="invoice", object_id=invoice.pk).pk)
    jobs = {job.kind: job for job in ExportJob.objects.all()}
    assert {kind: job.state for kind, job in jobs.items()} == {
        "customer": "failed", "invoice": "failed",
    }  # fmt: skip
    assert "has no address, zip code, city" in jobs["invoice"].last_error
    assert remote_writes(sandbox, since) == []
    assert not InvoiceExport.objects.exists() and not CustomerLink.objects.exists()

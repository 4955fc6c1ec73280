"""Currencies: the agreement's base currency (read from /self) is at 1; a foreign invoice goes with
our rate when we have one, else without `exchangeRate` so e-conomic applies its own; the rate
e-conomic applied is read back from its answer, kept with the export and shown beside its number."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts_app.models import Invoice
from integration.economic import payloads
from integration.models import Connection, CustomerLink, InvoiceExport, VatCodePairing
from integration.models.mappings import CustomerLinkState
from integration.models.reference import RemoteKind, RemoteRecord
from integration.services.connections import connection_client, connection_test
from integration.services.export_context import ExportContext
from integration.services.exports import (
    Refused,
    export_process,
    export_run_refresh,
    export_run_start,
)
from integration.services.exports.snapshots import invoice_snapshot
from integration.services.mappings import payment_conditions_pair
from integration.services.reference import reference_refresh
from tests.exports.conftest import (
    booked_with,
    drafts_with,
    make_customer,
    make_invoice,
    reference_of,
)
from tests.ledger.factories import VatCodeFactory

SANDBOX_EUR_IN_DKK = Decimal("7.46")  # the sandbox's fixed rate: EUR 746 per 100 (its README)


def _export(connection, invoice, **options):
    run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk),
                           **options)  # fmt: skip
    export_process(connection=connection, run=run)
    return export_run_refresh(run=run)


def _sent(connection, invoice) -> dict:
    """The draft document the export builds for this invoice, as it goes on the wire."""
    context = ExportContext.load(connection=connection)
    return payloads.draft_invoice_payload(invoice_snapshot(invoice, context))


def _voucher_entry(sandbox, invoice) -> dict:
    entries = sandbox.get("/journals/1/entries").json()["collection"]
    return next(entry for entry in entries if entry["customerInvoice"] == invoice.number)


def _vouchers_to(connection, customer):
    connection.export_method, connection.voucher_journal_number = "voucher", 1
    connection.save()
    CustomerLink.objects.create(connection=connection, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip


@pytest.fixture
def euro_agreement(db, sandbox_endpoint) -> Connection:
    """A connection, set up as `exporting` is, to an agreement whose base currency is EUR."""
    sandbox_endpoint.create_agreement(grantToken="grant-in-euro", baseCurrency="EUR",
                                      companyName="Euro GmbH")  # fmt: skip
    connection = Connection.objects.create(
        name="Euro", endpoint="sandbox", grant_token="grant-in-euro",
        default_layout_number=19, default_payment_terms_number=2, default_vat_zone_number=1,
        default_customer_group_number=1, default_product_number="1",
    )  # fmt: skip
    assert connection_test(connection=connection), connection.test_error
    reference_refresh(connection=connection, client=connection_client(connection=connection))
    VatCodePairing.objects.create(
        connection=connection, vat_code=VatCodeFactory(),
        vat_account=RemoteRecord.objects.get(connection=connection, kind=RemoteKind.VAT_ACCOUNT,
                                             number="U25"),
    )  # fmt: skip
    payment_conditions_pair(connection=connection)
    connection.refresh_from_db()
    return connection


def test_a_foreign_invoice_without_our_rate_goes_without_one_and_keeps_the_rate_economic_applied(
    exporting, sandbox
):
    invoice = make_invoice(make_customer(currency="EUR"))
    assert invoice.exchange_rate is None
    assert "exchangeRate" not in _sent(exporting, invoice)
    run = _export(exporting, invoice)
    assert (run.done, run.failed) == (1, 0)
    [draft] = drafts_with(sandbox, reference_of(invoice))
    assert draft["exchangeRate"] == 746.0
    assert InvoiceExport.objects.get(invoice=invoice).exchange_rate == SANDBOX_EUR_IN_DKK


def test_a_foreign_invoice_with_our_rate_goes_with_ours(exporting, sandbox):
    invoice = make_invoice(make_customer(currency="EUR"), exchange_rate=Decimal("7.4612"))
    assert _sent(exporting, invoice)["exchangeRate"] == 746.12
    _export(exporting, invoice)
    [draft] = drafts_with(sandbox, reference_of(invoice))
    assert draft["exchangeRate"] == 746.12
    assert Decimal(str(draft["grossAmountInBaseCurrency"])) == (
        invoice.gross_total * Decimal("7.4612")).quantize(Decimal("0.01"))
    assert InvoiceExport.objects.get(invoice=invoice).exchange_rate == Decimal("7.4612")


def test_a_booked_foreign_invoice_keeps_the_rate_of_the_booked_invoice(exporting, sandbox):
    invoice = make_invoice(make_customer(currency="EUR"))
    run = _export(exporting, invoice, method="booked")
    assert (run.done, run.failed) == (1, 0)
    [booked] = booked_with(sandbox, reference_of(invoice))
    assert booked["exchangeRate"] == 746.0
    assert InvoiceExport.objects.get(invoice=invoice).exchange_rate == SANDBOX_EUR_IN_DKK


def test_a_voucher_without_our_rate_sends_its_currency_and_keeps_the_rate_economic_applied(
    exporting, sandbox
):
    customer = make_customer(currency="EUR")
    _vouchers_to(exporting, customer)
    invoice = make_invoice(customer, prices=("100.00",))  # 250.00 EUR gross
    run = _export(exporting, invoice)
    assert (run.done, run.failed) == (1, 0)
    entry = _voucher_entry(sandbox, invoice)
    assert (entry["currency"]["code"], entry["exchangeRate"]) == ("EUR", 746.0)
    assert entry["amountDefaultCurrency"] == 1865.0
    assert InvoiceExport.objects.get(invoice=invoice).exchange_rate == SANDBOX_EUR_IN_DKK


def test_a_voucher_with_our_rate_goes_with_ours(exporting, sandbox):
    customer = make_customer(currency="EUR")
    _vouchers_to(exporting, customer)
    invoice = make_invoice(customer, prices=("100.00",), exchange_rate=Decimal("7.5"))
    _export(exporting, invoice)
    entry = _voucher_entry(sandbox, invoice)
    assert (entry["exchangeRate"], entry["amountDefaultCurrency"]) == (750.0, 1875.0)
    assert InvoiceExport.objects.get(invoice=invoice).exchange_rate == Decimal("7.5")


def test_the_agreements_base_currency_comes_from_economic(euro_agreement):
    assert euro_agreement.base_currency == "EUR"


def test_an_invoice_in_the_agreements_base_currency_is_at_one_whatever_the_ledger_says(
    euro_agreement, sandbox
):
    # Our 7.46 is DKK for one euro: to an agreement kept in euro, a euro is a euro.
    invoice = make_invoice(make_customer(currency="EUR"), exchange_rate=Decimal("7.46"))
    assert _sent(euro_agreement, invoice)["exchangeRate"] == 100.0
    _export(euro_agreement, invoice)
    [draft] = sandbox.session_for("grant-in-euro").get(
        sandbox.url("/invoices/drafts"),
        params={"filter": f"references.other$eq:{reference_of(invoice)}"},
    ).json()["collection"]
    assert Decimal(str(draft["grossAmountInBaseCurrency"])) == invoice.gross_total
    assert InvoiceExport.objects.get(invoice=invoice).exchange_rate == Decimal("1")


def test_our_rate_is_not_sent_to_an_agreement_kept_in_another_base_currency(euro_agreement, sandbox):
    # Our ledger counts in DKK: its rates mean nothing to an agreement kept in euro.
    invoice = make_invoice(make_customer(currency="SEK"), exchange_rate=Decimal("0.68"))
    assert "exchangeRate" not in _sent(euro_agreement, invoice)
    krone = make_invoice(make_customer(currency="DKK"))
    assert "exchangeRate" not in _sent(euro_agreement, krone)
    _export(euro_agreement, krone)
    # The sandbox's own rate: 746 DKK per 100 EUR, so 100 DKK is 13.404826 EUR.
    assert InvoiceExport.objects.get(invoice=krone).exchange_rate == Decimal("0.13404826")


def test_an_agreement_whose_base_currency_is_unknown_exports_nothing_and_says_why(exporting):
    exporting.base_currency = ""
    exporting.save()
    invoice = make_invoice()
    with pytest.raises(Refused, match="base currency is not known yet.*Test the connection"):
        export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))


def test_the_invoice_list_shows_the_rate_economic_applied_beside_its_number(
    exporting, sandbox, admin_client
):
    invoice = make_invoice(make_customer(currency="EUR"))
    _export(exporting, invoice)
    page = admin_client.get(reverse("admin:accounts_app_invoice_changelist")).content.decode()
    assert "E-conomic rate" in page
    assert '<td class="field-economic_exchange_rate">7.46</td>' in page

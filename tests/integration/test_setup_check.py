"""Every setup-check item is raised when its condition holds and cleared when it is fixed."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts_app.services import invoice_finalize, invoice_line_add
from integration.models import (
    PaymentConditionPairing,
    SalesAccountMapping,
    ServiceTypeMapping,
    VatCodePairing,
)
from integration.services.setup_check import SetupBlocked, setup_check, setup_require_ready
from tests.integration.conftest import remote
from tests.ledger.factories import (
    InvoiceFactory,
    SalesAccountFactory,
    ServiceTypeFactory,
    VatCodeFactory,
)

DAY = datetime.date(2026, 11, 10)


def codes(connection, invoices=None) -> set[str]:
    return {
        finding.code for finding in setup_check(connection=connection, invoices=invoices).findings
    }


def finalized_invoice(*, day=DAY, service_type=None, sales_account=None, vat_code=None):
    invoice = InvoiceFactory(issue_date=day)
    invoice_line_add(
        invoice=invoice,
        description="Work",
        quantity=Decimal("2"),
        unit_price=Decimal("500.00"),
        vat_code=vat_code or VatCodeFactory(),
        service_type=service_type,
        sales_account=sales_account,
    )
    return invoice_finalize(invoice=invoice)


@pytest.fixture
def complete(ready_connection):
    """A connection with everything in place: defaults that exist, an open year."""
    connection = ready_connection
    remote(connection, "layout", 19)
    remote(connection, "payment_terms", 1, paymentTermsType="net", daysOfCredit=14)
    remote(connection, "vat_zone", 1)
    remote(connection, "customer_group", 1)
    remote(connection, "product", "1")
    remote(
        connection,
        "accounting_year",
        "2026",
        fromDate="2026-01-01",
        toDate="2026-12-31",
        periodList=[{"fromDate": "2026-11-01", "toDate": "2026-11-30"}],
    )
    connection.default_layout_number = 19
    connection.default_payment_terms_number = 1
    connection.default_vat_zone_number = 1
    connection.default_customer_group_number = 1
    connection.default_product_number = "1"
    connection.save()
    return connection


def test_a_complete_connection_is_ready(complete):
    report = setup_check(connection=complete)
    assert report.ready, report.summary()
    assert report.findings == []


def test_a_missing_grant_token_blocks(connection):
    connection.grant_token = ""
    connection.save()
    assert "grant_token_missing" in codes(connection)


def test_an_untested_connection_blocks_until_tested(complete):
    complete.tested_at = None
    complete.save()
    assert "not_tested" in codes(complete)


def test_refused_tokens_block_with_the_reason(complete):
    complete.test_error = "e-conomic refused the tokens (HTTP 401)"
    complete.save()
    report = setup_check(connection=complete)
    assert "refused the tokens" in report.blockers[0].message
    complete.test_error = ""
    complete.save()
    assert "tokens_refused" not in codes(complete)


def test_a_missing_app_token_blocks(complete, settings):
    settings.ECONOMIC_ENDPOINTS = {
        **settings.ECONOMIC_ENDPOINTS,
        "sandbox": {**settings.ECONOMIC_ENDPOINTS["sandbox"], "app_secret_token": ""},
    }
    assert "app_token_missing" in codes(complete)


def test_an_insufficient_role_blocks(complete):
    complete.required_roles = ["Bookkeeping"]
    complete.save()
    assert "role_insufficient" in codes(complete)
    complete.export_method = "voucher"
    complete.voucher_journal_number = 1
    complete.save()
    remote(
        complete,
        "journal",
        1,
        settings={"voucherNumbers": {"minimumVoucherNumber": 1, "maximumVoucherNumber": 999}},
    )
    assert "role_insufficient" not in codes(complete)


def test_project_sync_needs_the_projects_module(complete):
    complete.sync_projects = True
    complete.modules = []
    complete.save()
    assert "projects_module_off" in codes(complete)
    complete.modules = [{"number": 4, "name": "Projektstyring"}]
    complete.save()
    assert "projects_module_off" not in codes(complete)


def test_reference_data_must_be_read_first(complete):
    complete.reference_refreshed_at = None
    complete.save()
    assert "reference_not_loaded" in codes(complete)


@pytest.mark.parametrize("field", [
    "default_layout_number", "default_payment_terms_number", "default_vat_zone_number",
    "default_customer_group_number",
])  # fmt: skip
def test_each_default_must_be_set_and_exist(complete, field):
    setattr(complete, field, None)
    complete.save()
    assert f"{field}_missing" in codes(complete)
    setattr(complete, field, 999)
    complete.save()
    assert f"{field}_unknown" in codes(complete)


def test_an_unmapped_service_type_blocks_without_a_default_product(complete):
    service_type = ServiceTypeFactory(name="Travel")
    complete.default_product_number = ""
    complete.save()
    report = setup_check(connection=complete)
    assert any(
        "'Travel'" in f.message for f in report.blockers if f.code == "service_type_unmapped"
    )
    ServiceTypeMapping.objects.create(
        connection=complete,
        service_type=service_type,
        product=remote(complete, "product", "TRAVEL"),
    )
    assert "service_type_unmapped" not in codes(complete)


def test_an_unknown_default_product_blocks(complete):
    complete.default_product_number = "NOPE"
    complete.save()
    assert "default_product_unknown" in codes(complete)


def test_a_barred_mapped_product_blocks(complete):
    ServiceTypeMapping.objects.create(
        connection=complete,
        service_type=ServiceTypeFactory(),
        product=remote(complete, "product", "OLD", barred=True),
    )
    assert "mapped_product_unusable" in codes(complete)


def test_an_unpaired_vat_code_in_use_blocks(complete):
    vat_code = VatCodeFactory(code="S25")
    finalized_invoice(vat_code=vat_code)
    assert "vat_code_unpaired" in codes(complete)
    VatCodePairing.objects.create(
        connection=complete, vat_code=vat_code, vat_account=remote(complete, "vat_account", "U25")
    )
    assert "vat_code_unpaired" not in codes(complete)


def test_an_unpaired_payment_condition_warns_when_a_default_exists(complete):
    invoice = finalized_invoice()
    VatCodePairing.objects.create(
        connection=complete,
        vat_code=invoice.lines.get().vat_code,
        vat_account=remote(complete, "vat_account", "U25"),
    )
    report = setup_check(connection=complete)
    assert [f.code for f in report.warnings] == ["payment_condition_unpaired"]
    complete.default_payment_terms_number = None
    complete.save()
    assert "payment_condition_unpaired" in {
        f.code for f in setup_check(connection=complete).blockers
    }
    PaymentConditionPairing.objects.create(
        connection=complete,
        payment_condition=invoice.payment_condition,
        payment_terms=remote(complete, "payment_terms", 5),
    )
    assert "payment_condition_unpaired" not in codes(complete)


def test_a_sales_account_must_book_to_an_existing_product_group(complete):
    account = SalesAccountFactory(number=1010)
    finalized_invoice(sales_account=account)
    assert "sales_account_unmapped" in codes(complete)
    SalesAccountMapping.objects.create(
        connection=complete, sales_account=account, product_group_number=7
    )
    report = setup_check(connection=complete)
    assert any("product group 7" in f.message for f in report.blockers)
    remote(complete, "product_group", 7)
    assert "product_group_missing" not in codes(complete)


def test_invoices_outside_an_open_accounting_year_block(complete):
    finalized_invoice(day=datetime.date(2025, 6, 1))
    report = setup_check(connection=complete)
    assert any(
        "2025-06-01" in f.message for f in report.blockers if f.code == "accounting_year_closed"
    )
    remote(complete, "accounting_year", "2025", fromDate="2025-01-01", toDate="2025-12-31")
    assert "accounting_year_closed" not in codes(complete)


def test_an_invoice_in_a_barred_period_blocks(complete):
    remote(
        complete,
        "accounting_year",
        "2025",
        fromDate="2025-01-01",
        toDate="2025-12-31",
        periodList=[{"fromDate": "2025-06-01", "toDate": "2025-06-30", "closed": True}],
    )
    finalized_invoice(day=datetime.date(2025, 6, 15))
    assert "accounting_year_closed" in codes(complete)


def test_a_voucher_journal_must_exist_and_have_room(complete):
    complete.export_method = "voucher"
    complete.voucher_journal_number = 3
    complete.save()
    assert "journal_missing" in codes(complete)
    remote(
        complete,
        "journal",
        3,
        voucherCount=9,
        settings={"voucherNumbers": {"minimumVoucherNumber": 1, "maximumVoucherNumber": 10}},
    )
    assert "journal_full" not in codes(complete)
    invoices = [finalized_invoice().pk for _ in range(2)]
    from accounts_app.models import Invoice

    assert "journal_full" in codes(complete, Invoice.objects.filter(pk__in=invoices))


def test_the_pdf_must_name_the_seller_and_fit_the_attachment_limit(complete, settings):
    complete.include_pdf = True
    complete.save()
    finalized_invoice()
    settings.LEDGER_SELLER_NAME = ""
    assert "pdf_seller_unset" in codes(complete)
    settings.LEDGER_SELLER_NAME = "Nordlys Consulting ApS"
    settings.ECONOMIC_ATTACHMENT_LIMIT = 500
    assert "pdf_too_large" in codes(complete)
    settings.ECONOMIC_ATTACHMENT_LIMIT = 9 * 1024 * 1024
    assert not {"pdf_seller_unset", "pdf_too_large"} & codes(complete)


def test_the_pdf_check_warns_until_the_seller_facts_a_danish_invoice_states_are_set(complete, settings):
    complete.include_pdf = True
    complete.save()
    finalized_invoice()
    settings.LEDGER_SELLER_NAME = "Nordlys Consulting ApS"
    settings.LEDGER_SELLER_ADDRESS = settings.LEDGER_SELLER_CVR = settings.LEDGER_SELLER_IBAN = ""
    settings.LEDGER_SELLER_BANK_REG, settings.LEDGER_SELLER_BANK_ACCOUNT = "1234", ""
    report = setup_check(connection=complete)
    [finding] = [warning for warning in report.warnings if warning.code == "pdf_seller_incomplete"]
    for name in ["LEDGER_SELLER_ADDRESS", "LEDGER_SELLER_CVR",
                 "LEDGER_SELLER_BANK_REG and LEDGER_SELLER_BANK_ACCOUNT, or LEDGER_SELLER_IBAN"]:  # fmt: skip
        assert name in finding.message, name
    assert "pdf_seller_incomplete" not in {blocker.code for blocker in report.blockers}
    settings.LEDGER_SELLER_ADDRESS = "Strandgade 12, 1401 København K"
    settings.LEDGER_SELLER_CVR, settings.LEDGER_SELLER_IBAN = "12345674", "DK5912340012345678"
    assert "pdf_seller_incomplete" not in codes(complete)
    complete.include_pdf = False
    complete.save()
    settings.LEDGER_SELLER_CVR = ""
    assert "pdf_seller_incomplete" not in codes(complete)


def test_an_export_refuses_to_start_while_a_blocker_stands(connection):
    with pytest.raises(SetupBlocked, match="cannot start until the set-up is complete") as raised:
        setup_require_ready(connection=connection)
    assert "Run the action Test connection" in str(raised.value)


def test_the_command_lists_blockers_with_their_fix_and_fails(connection, capsys):
    with pytest.raises(CommandError, match="Blockers stand"):
        call_command("economic_check")
    output = capsys.readouterr().out
    assert "BLOCKER [not_tested]" in output
    assert "fix: Run the action Test connection." in output


def test_the_command_passes_when_ready(complete, capsys):
    call_command("economic_check", connection="Main agreement")
    assert "ready to export" in capsys.readouterr().out


def test_a_pdf_that_cannot_be_rendered_blocks(complete, settings, monkeypatch):
    """A renderer failure cannot be provoked with valid ledger data; the renderer is replaced by
    one that fails the way reportlab does, to show the check turns it into a blocker."""
    from reportlab.platypus.doctemplate import LayoutError

    from integration.services import ledger_checks as module

    def failing_render(*, invoice):
        raise LayoutError("Flowable too large on page 1")

    settings.LEDGER_SELLER_NAME = "Nordlys Consulting ApS"
    complete.include_pdf = True
    complete.save()
    finalized_invoice()
    monkeypatch.setattr(module, "invoice_render_pdf", failing_render)
    report = setup_check(connection=complete)
    failure = next(f for f in report.blockers if f.code == "pdf_render_failed")
    assert "Flowable too large" in failure.message
    monkeypatch.undo()
    assert "pdf_render_failed" not in codes(complete)


def test_the_command_names_the_connections_there_are_for_an_unknown_name(connection):
    wanted = rf"No connection is named or numbered 'Nope'; give --connection one of: Main agreement \(id {connection.pk}\)"
    with pytest.raises(CommandError, match=wanted):
        call_command("economic_check", connection="Nope")

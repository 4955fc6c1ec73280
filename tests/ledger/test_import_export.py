import datetime
from decimal import Decimal

import pytest
import tablib
from import_export.formats.base_formats import CSV

from accounts_app.models import Customer, Invoice
from accounts_app.resources import CustomerResource, InvoiceExportResource, InvoiceImportResource
from accounts_app.services import invoice_finalize
from accounts_app.services.imports import import_messages
from tests.ledger.factories import (
    CustomerFactory,
    PaymentConditionFactory,
    SalesAccountFactory,
    VatCodeFactory,
)

pytestmark = pytest.mark.django_db

CUSTOMER_HEADERS = ["number", "kind", "name", "vat_number", "country", "currency",
                    "payment_condition", "vat_situation"]  # fmt: skip
LINE_HEADERS = ["invoice_reference", "customer_number", "issue_date", "line", "description",
                "quantity", "unit_price", "discount_percent", "vat_code", "sales_account"]  # fmt: skip


def row_errors(result) -> str:
    return " ".join(message["message"] for message in import_messages(result, resource=RESOURCE))


RESOURCE = InvoiceImportResource()


def customers_csv(*rows) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=CUSTOMER_HEADERS)


def test_customers_import_from_csv_and_a_second_import_changes_nothing():
    PaymentConditionFactory(name="Net 30", days=30)
    dataset = CSV().create_dataset(
        "number,kind,name,vat_number,country,currency,payment_condition,vat_situation\n"
        "501,company,Nordlys A/S,DK 1358 5628,DK,DKK,Net 30,domestic\n"
        "502,company,Göta AB,556036079301,SE,SEK,Net 30,eu_reverse_charge\n"
    )
    first = CustomerResource().import_data(dataset, dry_run=False)
    assert not first.has_errors() and not first.has_validation_errors()
    assert Customer.objects.get(number=502).vat_number == "SE556036079301"
    before = list(Customer.objects.order_by("pk").values())
    second = CustomerResource().import_data(dataset, dry_run=False)
    assert not second.has_errors() and not second.has_validation_errors()
    assert list(Customer.objects.order_by("pk").values()) == before


def test_an_invalid_cvr_number_in_an_import_is_a_row_error_on_that_field():
    PaymentConditionFactory(name="Net 30", days=30)
    dataset = customers_csv((503, "company", "Bad A/S", "13585627", "DK", "DKK", "Net 30",
                             "domestic"))  # fmt: skip
    result = CustomerResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    error = result.invalid_rows[0].error
    assert "not a valid VAT number for DK" in error.message_dict["vat_number"][0]
    assert not Customer.objects.filter(number=503).exists()


@pytest.fixture
def invoice_file():
    customer = CustomerFactory(number=700)
    VatCodeFactory(code="S25")
    SalesAccountFactory(number=1010)
    return tablib.Dataset(
        ("A-1", customer.number, "2026-02-03", 1, "Consulting", "7.5", "1150.00", "0", "S25", 1010),
        ("A-1", customer.number, "2026-02-03", 2, "Travel", "120", "3.79", "0", "S25", 1010),
        ("A-2", customer.number, "2026-02-05", 1, "Support", "2", "850.00", "10", "S25", ""),
        headers=LINE_HEADERS,
    )


def test_invoices_import_as_drafts_with_lines_and_totals(invoice_file):
    result = InvoiceImportResource().import_data(invoice_file, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    first, second = Invoice.objects.order_by("import_reference")
    assert (first.state, first.issue_date) == (Invoice.State.DRAFT, datetime.date(2026, 2, 3))
    assert first.lines.count() == 2 and second.lines.count() == 1
    # 7.5 x 1150 = 8625.00, 120 x 3.79 = 454.80; VAT 25 % per line
    assert (first.net_total, first.vat_total) == (Decimal("9079.80"), Decimal("2269.95"))
    assert second.net_total == Decimal("1530.00")


def test_importing_the_same_invoice_file_again_creates_nothing(invoice_file):
    InvoiceImportResource().import_data(invoice_file, dry_run=False)
    again = InvoiceImportResource().import_data(invoice_file, dry_run=False)
    assert [row.import_type for row in again.rows] == ["skip"] * 3
    assert Invoice.objects.count() == 2


def test_an_import_cannot_change_a_finalized_invoice(invoice_file):
    InvoiceImportResource().import_data(invoice_file, dry_run=False)
    finalized = invoice_finalize(invoice=Invoice.objects.get(import_reference="A-1"))
    result = InvoiceImportResource().import_data(invoice_file, dry_run=False)
    assert result.has_validation_errors()
    assert "is finalized and cannot be changed by an import" in row_errors(result)
    assert Invoice.objects.get(pk=finalized.pk).lines.count() == 2


def test_an_import_row_for_an_unknown_customer_says_to_import_customers_first(invoice_file):
    invoice_file.append(("A-3", 999, "2026-02-05", 1, "X", "1", "1.00", "0", "S25", ""))
    result = InvoiceImportResource().import_data(invoice_file, dry_run=True)
    assert "No customer with number “999”; import the customers first." in row_errors(result)


def test_a_dry_run_creates_nothing(invoice_file):
    InvoiceImportResource().import_data(invoice_file, dry_run=True)
    assert not Invoice.objects.exists()


def test_exports_escape_cells_that_a_spreadsheet_would_run_as_formulae():
    CustomerFactory(name='=HYPERLINK("http://evil.example","Click")')
    exported = CSV().export_data(CustomerResource().export())
    assert '=HYPERLINK' not in exported.replace("'=HYPERLINK", "")


def test_the_invoice_export_has_one_row_per_invoice_with_totals(invoice_file):
    InvoiceImportResource().import_data(invoice_file, dry_run=False)
    dataset = InvoiceExportResource().export()
    assert len(dataset) == 2
    assert set(dataset.headers) >= {"number", "customer_number", "gross_total", "state"}


def test_an_invoice_for_a_foreign_customer_imports_with_its_exchange_rate():
    customer = CustomerFactory(number=710, currency="EUR")
    VatCodeFactory(code="S25")
    rows = tablib.Dataset(("E-1", 710, "2026-02-03", 1, "Consulting", "1", "150.00", "0", "S25",
                           "", "7,46"), headers=LINE_HEADERS + ["exchange_rate"])  # fmt: skip
    result = InvoiceImportResource().import_data(rows, dry_run=False)
    assert not result.has_errors()
    invoice = Invoice.objects.get(customer=customer)
    assert (invoice.currency, invoice.exchange_rate) == ("EUR", Decimal("7.46"))


def test_an_exchange_rate_that_is_not_a_number_is_a_row_error():
    CustomerFactory(number=711, currency="EUR")
    VatCodeFactory(code="S25")
    rows = tablib.Dataset(("E-2", 711, "2026-02-03", 1, "Consulting", "1", "150.00", "0", "S25",
                           "", "seven"), headers=LINE_HEADERS + ["exchange_rate"])  # fmt: skip
    result = InvoiceImportResource().import_data(rows, dry_run=False)
    assert "exchange_rate “seven” is not a number" in row_errors(result)
    assert not Invoice.objects.exists()


def refusals(resource, dataset) -> list[tuple[int, str]]:
    result = resource.import_data(dataset, dry_run=False, use_transactions=True,
                                  rollback_on_validation_errors=True)  # fmt: skip
    return [(message["row"], message["message"]) for message in import_messages(result, resource=resource)]


@pytest.mark.parametrize(
    ("rows", "row", "words"),
    [
        ([("A-1", 700, "2026-02-03", 1, "Consulting", "1", "10.005", "0", "S25", "")],
         1, 'unit_price “10.005” has more than 2 decimals; round it to 2'),
        ([("A-1", 700, "2026-02-03", 1, "Consulting", "1", "10", "0", "S25", ""),
          ("A-1", 700, "2026-02-03", 1, "Travel", "1", "20", "0", "S25", "")],
         2, 'line 1 of invoice_reference “A-1” is in row 1 already; number the lines'),
        ([("A-1", 700, "2026-02-03", 1, "Consulting", "1", "10", "0", "S25", ""),
          ("A-1", 701, "2026-02-03", 2, "Travel", "1", "20", "0", "S25", "")],
         2, 'invoice_reference “A-1” is the invoice of customer 700 (from row 1), not 701'),
        ([("A-1", 700, "2026-02-03", 1, "x" * 501, "1", "10", "0", "S25", "")],
         1, "description: Ensure this value has at most 500 characters (it has 501)."),
        ([("A-1", 700, "2026-02-03", 1, "Consulting", "1", "10", "0", "S99", "")],
         1, 'vat_code “S99” is unknown; allowed are: “S25”.'),
        ([("A-1", 700, "2026-02-03", 1, "Consulting", "1000", "1000000000", "0", "S25", "")],
         1, "the line's net amount"),
    ],
    ids=["three-decimals", "line-twice", "reference-two-customers", "description-too-long",
         "unknown-vat-code", "net-too-large"],
)  # fmt: skip
def test_a_refused_invoice_row_names_row_and_fix_and_nothing_is_imported(rows, row, words):
    CustomerFactory(number=700)
    CustomerFactory(number=701)
    VatCodeFactory(code="S25")
    found = refusals(InvoiceImportResource(), tablib.Dataset(*rows, headers=LINE_HEADERS))
    assert any(number == row and words in message for number, message in found), found
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("rows", "row", "words"),
    [
        ([(501, "company", "Nordlys A/S", "", "DK", "DKK", "Net 30", "domestic"),
          (501, "company", "Göta AB", "", "SE", "SEK", "Net 30", "domestic")],
         2, "customer number 501 is in row 1 already; a file holds each customer once"),
        ([(502, "company", "Nordlys A/S", "", "DK", "DKK", "Net 31", "domestic")],
         1, 'payment_condition “Net 31” is unknown; allowed are: “Net 30”, “Net 8”.'),
        ([(503, "firma", "Nordlys A/S", "", "DK", "DKK", "Net 30", "domestic")],
         1, 'kind “firma” is not allowed; allowed are: “company”, “person”.'),
        ([(504, "company", "Nordlys A/S", "", "Danmark", "DKK", "Net 30", "domestic")],
         1, 'country “DANMARK” is not a country code; use a two-letter ISO 3166 code'),
        ([("5O5", "company", "Nordlys A/S", "", "DK", "DKK", "Net 30", "domestic")],
         1, 'number “5O5” is not a whole number from 1 to 999999999; give each customer a number'),
    ],
    ids=["number-twice", "unknown-payment-condition", "unknown-kind", "unknown-country",
         "number-not-a-number"],
)  # fmt: skip
def test_a_refused_customer_row_names_row_and_allowed_values_and_nothing_is_imported(rows, row, words):
    PaymentConditionFactory(name="Net 30", days=30)
    PaymentConditionFactory(name="Net 8", days=8)
    found = refusals(CustomerResource(), customers_csv(*rows))
    assert any(number == row and words in message for number, message in found), found
    assert not Customer.objects.exists()


def test_an_import_reports_its_progress_as_the_rows_go_through(monkeypatch):
    monkeypatch.setattr("accounts_app.import_rows.PROGRESS_EVERY", 1)
    PaymentConditionFactory(name="Net 30", days=30)
    seen = []
    CustomerResource(progress=seen.append).import_data(customers_csv(
        (505, "company", "A A/S", "", "DK", "DKK", "Net 30", "domestic"),
        (506, "person", "B", "", "DK", "DKK", "Net 30", "domestic"),
    ), dry_run=False)  # fmt: skip
    assert seen == [1, 2]

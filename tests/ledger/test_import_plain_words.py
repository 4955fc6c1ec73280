"""An import's refused row says, in the uploader's language, what is wrong and what is allowed:
the payment conditions, VAT codes, currencies and countries there are, and how to write a date.
Never "matching query does not exist"."""

import datetime

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.utils import translation

from accounts_app.models import Customer, Invoice, LedgerImport
from accounts_app.resources import CustomerResource, InvoiceImportResource
from accounts_app.services.imports import ledger_import_run, ledger_import_start
from tests.ledger.factories import CustomerFactory, PaymentConditionFactory, VatCodeFactory
from tests.ledger.test_import_export import (
    CUSTOMER_HEADERS,
    LINE_HEADERS,
    customers_csv,
    refusals,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conditions():
    PaymentConditionFactory(name="Netto 8 dage", days=8)
    PaymentConditionFactory(name="Netto 30 dage", days=30)


def customer_row(**cells) -> tuple:
    row = {"number": 601, "kind": "company", "name": "Nordlys A/S", "vat_number": "",
           "country": "DK", "currency": "DKK", "payment_condition": "Netto 30 dage",
           "vat_situation": "domestic", **cells}  # fmt: skip
    return tuple(row[column] for column in CUSTOMER_HEADERS)


def refused_customer(**cells) -> str:
    [(row, message)] = refusals(CustomerResource(), customers_csv(customer_row(**cells)))
    assert row == 1 and not Customer.objects.exists()
    assert "matching query" not in message
    return message


def test_an_unknown_payment_condition_names_the_ones_there_are(conditions):
    assert refused_customer(payment_condition="30 dage") == (
        "payment_condition “30 dage” is unknown; allowed are: “Netto 30 dage”, “Netto 8 dage”."
    )


def test_an_empty_payment_condition_names_the_ones_there_are(conditions):
    assert "payment_condition is empty; allowed are: “Netto 30 dage”, “Netto 8 dage”." in (
        refused_customer(payment_condition="")
    )


def test_a_currency_that_is_no_code_names_codes_to_use(conditions):
    assert refused_customer(currency="kroner") == (
        "currency “KRONER” is not a currency code; use a three-letter ISO 4217 code such as "
        "DKK, EUR, SEK, NOK, USD or GBP."
    )


def test_a_currency_in_small_letters_is_taken_as_its_code(conditions):
    assert not refusals(CustomerResource(), customers_csv(customer_row(currency="eur")))
    assert Customer.objects.get().currency == "EUR"


def test_an_unknown_kind_names_the_kinds_there_are(conditions):
    assert refused_customer(kind="firma") == (
        "kind “firma” is not allowed; allowed are: “company”, “person”."
    )


def test_an_unknown_vat_situation_names_the_situations_there_are(conditions):
    assert refused_customer(vat_situation="dansk") == (
        "vat_situation “dansk” is not allowed; allowed are: “abroad”, “domestic”, "
        "“eu_reverse_charge”, “exempt”."
    )


def line_row(**cells) -> tuple:
    row = {"invoice_reference": "A-1", "customer_number": 700, "issue_date": "2026-02-03",
           "line": 1, "description": "Consulting", "quantity": "1", "unit_price": "10",
           "discount_percent": "0", "vat_code": "S25", "sales_account": "", **cells}  # fmt: skip
    return tuple(row[column] for column in LINE_HEADERS)


def refused_line(**cells) -> str:
    CustomerFactory(number=700)
    VatCodeFactory(code="S25")
    VatCodeFactory(code="U0", name="Abroad", rate=0)
    dataset = tablib.Dataset(line_row(**cells), headers=LINE_HEADERS)
    [(row, message)] = refusals(InvoiceImportResource(), dataset)
    assert row == 1 and not Invoice.objects.exists()
    return message


def test_a_date_that_is_no_date_says_how_to_write_one():
    assert refused_line(issue_date="3/2/26") == (
        "issue_date “3/2/26” is not a date; write it as 2026-12-01 or 01-12-2026."
    )


def test_a_date_written_the_danish_way_is_taken():
    CustomerFactory(number=700)
    VatCodeFactory(code="S25")
    dataset = tablib.Dataset(line_row(issue_date="03-02-2026"), headers=LINE_HEADERS)
    assert not refusals(InvoiceImportResource(), dataset)
    assert Invoice.objects.get().issue_date == datetime.date(2026, 2, 3)


def test_an_unknown_vat_code_names_the_codes_there_are():
    assert refused_line(vat_code="S26") == "vat_code “S26” is unknown; allowed are: “S25”, “U0”."


def test_an_amount_that_is_no_number_says_how_to_write_one():
    assert refused_line(unit_price="ti") == (
        "unit_price “ti” is not a number; write it as 1234.50 or 1234,50."
    )


def test_the_refusals_are_in_danish_for_a_danish_reader(conditions):
    with translation.override("da"):
        message = refused_customer(payment_condition="30 dage")
    assert message == (
        "payment_condition “30 dage” findes ikke; tilladt er: “Netto 30 dage”, “Netto 8 dage”."
    )


def test_a_background_import_reports_in_the_language_of_whoever_uploaded_it(conditions):
    user = get_user_model().objects.create(username="clerk")
    content = customers_csv(customer_row(payment_condition="30 dage")).export("csv").encode()
    ledger_import = ledger_import_start(kind=LedgerImport.Kind.CUSTOMERS, file_name="kunder.csv",
                                        content=content, file_format="csv", user=user,
                                        language="da")  # fmt: skip
    finished = ledger_import_run(ledger_import_id=ledger_import.pk)
    assert finished.state == LedgerImport.State.REFUSED
    assert finished.row_errors == [{"row": 1, "message": (
        "payment_condition “30 dage” findes ikke; tilladt er: “Netto 30 dage”, “Netto 8 dage”."
    )}]  # fmt: skip


def test_a_customers_language_may_be_imported_by_code_or_name(conditions):
    rows = [(*customer_row(number=number), language)
            for number, language in ((611, "da"), (612, "English"), (613, ""))]  # fmt: skip
    dataset = tablib.Dataset(*rows, headers=[*CUSTOMER_HEADERS, "language"])
    assert not refusals(CustomerResource(), dataset)
    languages = dict(Customer.objects.values_list("number", "language"))
    assert languages == {611: "da", 612: "en", 613: ""}


def test_an_unknown_language_names_the_languages_there_are(conditions):
    dataset = tablib.Dataset((*customer_row(), "svensk"), headers=[*CUSTOMER_HEADERS, "language"])
    [(row, message)] = refusals(CustomerResource(), dataset)
    assert message == "language “svensk” is not allowed; allowed are: “da”, “en”."

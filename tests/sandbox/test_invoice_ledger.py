"""Booking an invoice posts it to the ledger as e-conomic does: the receivable on the customer's
group account, revenue per sales account with its VAT code, VAT per code on the code's account,
readable at /accounting-years/{year}/entries and per account."""

import datetime
from collections import defaultdict

from tests.sandbox import invoice_api
from tests.sandbox.conftest import schema_errors
from tests.sandbox.invoice_api import a_line

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES

YEAR = str(datetime.date.today().year)


def ledger(api, **params) -> list[dict]:
    answer = api.get(f"/accounting-years/{YEAR}/entries", params={"pagesize": 1000, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()["collection"]


def per_account(entries) -> dict[int, float]:
    sums = defaultdict(float)
    for entry in entries:
        sums[entry["account"]["accountNumber"]] += entry["amount"]
    return {account: round(total, 2) for account, total in sums.items()}


def vat_per_code(entries) -> dict[str, float]:
    return {entry["vatAccount"]["vatCode"]: entry["amount"] for entry in entries
            if entry["account"]["accountNumber"] == 14261}


def test_a_domestic_invoice_posts_receivable_revenue_and_vat(api):
    invoice = api.booked_invoice(lines=[a_line(unitNetPrice=100)])
    entries = ledger(api)
    assert per_account(entries) == {5600: 125, 1010: -100, 14261: -25}
    assert vat_per_code(entries) == {"U25": -25}
    assert {entry["voucherNumber"] for entry in entries} == {invoice["bookedInvoiceNumber"]}
    assert {entry["entryType"] for entry in entries} == {"customerInvoice"}
    [receivable] = [entry for entry in entries if "customer" in entry]
    assert receivable["account"]["accountNumber"] == 5600
    assert receivable["remainder"] == 125


def test_revenue_is_split_by_the_product_groups_accounts(api):
    lines = [a_line(unitNetPrice=100), a_line(product={"productNumber": "2"}, unitNetPrice=40)]
    api.booked_invoice(lines=lines)  # product 2: group 4 → 1040, no VAT code
    entries = ledger(api)
    assert per_account(entries) == {5600: 165, 1010: -100, 1040: -40, 14261: -25}
    [exempt] = [entry for entry in entries if entry["account"]["accountNumber"] == 1040]
    assert "vatAccount" not in exempt


def test_an_eu_invoice_posts_revenue_with_the_reverse_charge_code_and_no_vat(api):
    recipient = {"name": "Nordic Imports GmbH", "vatZone": {"vatZoneNumber": 2}}
    api.booked_invoice(customer={"customerNumber": 2}, recipient=recipient)
    entries = ledger(api)
    [revenue] = [entry for entry in entries if entry["account"]["accountNumber"] == 1020]
    assert revenue["vatAccount"]["vatCode"] == "UEUV"
    assert vat_per_code(entries) == {}


def test_the_ledgers_vat_follows_the_document_rounding_model(api):
    api.control("PUT", "/vat-rounding", {"model": "document"})
    invoice = api.booked_invoice(lines=[a_line(unitNetPrice=0.02) for _ in range(3)])
    assert vat_per_code(ledger(api)) == {"U25": -invoice["vatAmount"]} == {"U25": -0.02}


def test_a_foreign_currency_invoice_balances_in_base_currency(api):
    lines = [a_line(unitNetPrice=33.33), a_line(product={"productNumber": "2"}, unitNetPrice=1.01)]
    invoice = api.booked_invoice(currency="EUR", exchangeRate=745.99, lines=lines)
    entries = ledger(api)
    assert round(sum(entry["amountInBaseCurrency"] for entry in entries), 2) == 0
    assert round(sum(entry["amount"] for entry in entries), 2) == 0
    [receivable] = [entry for entry in entries if "customer" in entry]
    assert receivable["amountInBaseCurrency"] == invoice["grossAmountInBaseCurrency"]
    assert {entry["currency"] for entry in entries} == {"EUR"}


def test_an_accounts_entries_are_read_at_the_accounts_own_endpoint(api):
    api.booked_invoice()
    path = f"/accounts/1010/accounting-years/{YEAR}/entries"
    body = api.get(path).json()
    assert [entry["account"]["accountNumber"] for entry in body["collection"]] == [1010]
    assert schema_errors(body, "accounts.accountNumber.accounting-years.accountingYear.entries.get"
                         ) == []
    assert api.get(f"/accounts/4242/accounting-years/{YEAR}/entries").status_code == 404


def test_the_years_entries_validate_against_the_schema(api):
    api.booked_invoice(lines=[a_line(), a_line(product={"productNumber": "2"})])
    body = api.get(f"/accounting-years/{YEAR}/entries").json()
    assert schema_errors(body, "accounting-years.accountingYear.entries.get") == []

"""Booked entries of invoices and payments at /accounting-years/{year}/entries (REFERENCE §7.4)."""

import datetime

from jsonschema import Draft3Validator

from economic_sandbox import schemas
from tests.sandbox import invoice_api

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES

YEAR = str(datetime.date.today().year)
ENTRIES = f"/accounting-years/{YEAR}/entries"
RECEIVABLE = "entryType$eq:customerInvoice$and:customer.customerNumber$eq:1"


def entries(api, **params) -> list[dict]:
    answer = api.get(ENTRIES, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["collection"]


def test_booking_records_a_customer_invoice_entry_with_a_live_remainder(api):
    invoice = api.booked_invoice()
    [entry] = entries(api, filter=RECEIVABLE)
    assert entry["bookedInvoice"]["bookedInvoiceNumber"] == invoice["bookedInvoiceNumber"]
    assert entry["amount"] == entry["remainder"] == invoice["grossAmount"]
    api.pay(invoice["bookedInvoiceNumber"], 25)
    [entry] = entries(api, filter=RECEIVABLE)
    assert entry["remainder"] == invoice["grossAmount"] - 25


def test_a_payment_records_a_negative_customer_payment_entry(api):
    invoice = api.booked_invoice()
    payment = api.pay(invoice["bookedInvoiceNumber"], 25).json()
    [entry] = entries(api, filter="entryType$eq:customerPayment")
    assert entry["amount"] == -25
    assert entry["voucherNumber"] == payment["voucherNumber"]
    assert entry["invoiceNumber"] == str(invoice["bookedInvoiceNumber"])
    assert entry["customer"]["customerNumber"] == 1


def test_a_reversal_records_an_opposite_entry(api):
    invoice = api.booked_invoice()
    payment = api.pay(invoice["bookedInvoiceNumber"], 25).json()
    api.control("POST", f"/payments/{payment['id']}/reverse")
    amounts = [entry["amount"] for entry in entries(api, filter="entryType$eq:customerPayment")]
    assert amounts == [-25, 25]


def test_entries_filter_on_remainder_and_customer(api):
    paid = api.booked_invoice()
    api.pay(paid["bookedInvoiceNumber"], paid["grossAmount"])
    open_invoice = api.booked_invoice()
    found = entries(api, filter="entryType$eq:customerInvoice$and:remainder$ne:0")
    assert [e["bookedInvoice"]["bookedInvoiceNumber"] for e in found] == [
        open_invoice["bookedInvoiceNumber"]
    ]
    assert len(entries(api, filter="customer.customerNumber$eq:1")) == 3


def test_entries_validate_against_the_schema_and_read_alone(api):
    invoice = api.booked_invoice()
    api.pay(invoice["bookedInvoiceNumber"], 10)
    body = api.get(ENTRIES).json()
    validator = Draft3Validator(schemas.load_schema("accounting-years.accountingYear.entries.get"))
    assert [error.message for error in validator.iter_errors(body)] == []
    first = body["collection"][0]
    assert api.get(first["self"]).json() == first


def test_an_unknown_year_or_entry_is_404(api):
    assert api.get("/accounting-years/1999/entries").status_code == 404
    assert api.get(f"{ENTRIES}/999").status_code == 404

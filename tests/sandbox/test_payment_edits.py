"""Payments as e-conomic books them: a customer-payment entry in the payments journal, dated,
in the invoice's currency and in base currency, naming the invoice it settles; changed and
deleted through the control API with the remainder following (ADDENDUM §4)."""

import datetime

from tests.sandbox import invoice_api
from tests.sandbox.conftest import schema_errors
from tests.sandbox.invoice_api import a_line, days_from_today
from tests.sandbox.test_journal_booking import an_invoice_entry, book, post_voucher

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES

YEAR = str(datetime.date.today().year)
PAYMENTS = f"/accounting-years/{YEAR}/entries?filter=entryType$eq:customerPayment"


def payment_entries(api) -> list[dict]:
    answer = api.get(PAYMENTS)
    assert answer.status_code == 200, answer.text
    return answer.json()["collection"]


def remainder_of(api, number: int) -> float:
    return api.get(f"/invoices/booked/{number}").json()["remainder"]


def an_invoice(api, **changes) -> dict:
    """A booked invoice of 100 net, 125 gross."""
    return api.booked_invoice(lines=[a_line(unitNetPrice=100)], **changes)


def test_a_payment_is_an_entry_in_the_payments_journal_with_date_currency_and_invoice(api):
    invoice = an_invoice(api, currency="EUR", exchangeRate=745.5)
    day = days_from_today(-3)
    payment = api.pay(invoice["bookedInvoiceNumber"], 100, date=day).json()
    [entry] = payment_entries(api)
    assert (entry["date"], entry["amount"], entry["currency"]) == (day, -100, "EUR")
    assert entry["amountInBaseCurrency"] == -745.5
    assert entry["invoiceNumber"] == str(invoice["bookedInvoiceNumber"])
    assert entry["customer"]["customerNumber"] == 1
    assert entry["voucherNumber"] == payment["voucherNumber"] >= 50001  # journal 2's range
    assert entry["entryNumber"] == payment["entryNumber"]


def test_a_reversal_is_dated_as_asked(api):
    invoice = an_invoice(api)
    payment = api.pay(invoice["bookedInvoiceNumber"], 25).json()
    day = days_from_today(-1)
    answer = api.control("POST", f"/payments/{payment['id']}/reverse", {"date": day})
    assert answer.status_code == 200, answer.text
    assert [entry["date"] for entry in payment_entries(api)][1] == day


def test_changing_a_payments_amount_moves_its_entry_and_the_remainder(api):
    invoice = an_invoice(api)
    number = invoice["bookedInvoiceNumber"]
    payment = api.pay(number, 100).json()
    answer = api.control("PATCH", f"/payments/{payment['id']}", {"amount": 80})
    assert answer.status_code == 200, answer.text
    assert answer.json()["remainder"] == remainder_of(api, number) == 45
    first, undone, new = payment_entries(api)  # a booked entry is corrected, never edited
    assert (undone["amount"], new["amount"], new["amountInBaseCurrency"]) == (100, -80, -80)
    assert undone["voucherNumber"] == new["voucherNumber"] != first["voucherNumber"]
    assert answer.json()["entryNumber"] == new["entryNumber"] > first["entryNumber"]


def test_changing_a_payments_date_moves_its_entry_and_keeps_the_remainder(api):
    invoice = an_invoice(api)
    payment = api.pay(invoice["bookedInvoiceNumber"], 100).json()
    day = days_from_today(-10)
    answer = api.control("PATCH", f"/payments/{payment['id']}", {"date": day})
    assert answer.status_code == 200, answer.text
    first, undone, new = payment_entries(api)
    assert (undone["date"], undone["amount"]) == (first["date"], 100)  # on the old date
    assert (new["date"], new["amount"]) == (day, -100)
    assert remainder_of(api, invoice["bookedInvoiceNumber"]) == 25


def test_a_rebooked_payment_leaves_only_its_new_entry(api):
    invoice = an_invoice(api)
    payment = api.pay(invoice["bookedInvoiceNumber"], 100).json()
    day = days_from_today(-10)
    answer = api.control("PATCH", f"/payments/{payment['id']}", {"date": day, "as": "rebook"})
    assert answer.status_code == 200, answer.text
    [entry] = payment_entries(api)
    assert (entry["date"], entry["entryNumber"]) == (day, answer.json()["entryNumber"])
    assert entry["entryNumber"] > payment["entryNumber"]


def test_a_payment_at_the_days_rate_is_booked_at_it_in_base_currency(api):
    invoice = an_invoice(api, currency="EUR", exchangeRate=745.5)
    api.pay(invoice["bookedInvoiceNumber"], 100, exchangeRate=750)
    [entry] = payment_entries(api)
    assert (entry["amount"], entry["amountInBaseCurrency"]) == (-100, -750)


def test_a_change_to_more_than_the_invoice_owes_is_refused_and_changes_nothing(api):
    invoice = an_invoice(api)
    payment = api.pay(invoice["bookedInvoiceNumber"], 100).json()
    answer = api.control("PATCH", f"/payments/{payment['id']}", {"amount": 125.01})
    assert answer.status_code == 400
    assert remainder_of(api, invoice["bookedInvoiceNumber"]) == 25
    assert payment_entries(api)[0]["amount"] == -100


def test_a_reversed_payment_cannot_be_changed(api):
    invoice = an_invoice(api)
    payment = api.pay(invoice["bookedInvoiceNumber"], 100).json()
    api.control("POST", f"/payments/{payment['id']}/reverse")
    assert api.control("PATCH", f"/payments/{payment['id']}", {"amount": 50}).status_code == 409


def test_deleting_a_payment_removes_its_entry_and_the_invoice_owes_it_again(api):
    invoice = an_invoice(api)
    number = invoice["bookedInvoiceNumber"]
    payment = api.pay(number, 125).json()
    answer = api.control("DELETE", f"/payments/{payment['id']}")
    assert answer.status_code == 204
    assert payment_entries(api) == []
    assert remainder_of(api, number) == 125
    unpaid = api.get("/invoices/unpaid").json()["collection"]
    assert number in [item["bookedInvoiceNumber"] for item in unpaid]
    assert api.control("GET", "/payments").json() == []


def test_deleting_a_reversed_payment_removes_both_entries_and_leaves_the_remainder(api):
    invoice = an_invoice(api)
    payment = api.pay(invoice["bookedInvoiceNumber"], 100).json()
    api.control("POST", f"/payments/{payment['id']}/reverse")
    assert api.control("DELETE", f"/payments/{payment['id']}").status_code == 204
    assert payment_entries(api) == []
    assert remainder_of(api, invoice["bookedInvoiceNumber"]) == 125


def test_an_unknown_payment_cannot_be_changed_or_deleted(api):
    assert api.control("PATCH", "/payments/99", {"amount": 1}).status_code == 404
    assert api.control("DELETE", "/payments/99").status_code == 404


def test_a_booked_vouchers_invoice_is_paid_by_its_invoice_number(api):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry(customerInvoice=1001)])
    assert book(api).status_code == 204
    answer = api.control("POST", "/payments", {"invoiceNumber": "1001", "amount": 1000})
    assert answer.status_code == 201, answer.text
    receivables = api.get(
        f"/accounting-years/{YEAR}/entries?filter=entryType$eq:manualDebtorInvoice"
    ).json()["collection"]
    [receivable] = [entry for entry in receivables if "customer" in entry]
    assert receivable["remainder"] == 250
    [entry] = payment_entries(api)
    assert (entry["invoiceNumber"], entry["amount"]) == ("1001", -1000)
    api.control("PATCH", f"/payments/{answer.json()['id']}", {"amount": 1250})
    assert api.get(receivable["self"]).json()["remainder"] == 0


def test_a_voucher_invoice_that_was_never_booked_cannot_be_paid(api):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry(customerInvoice=1002)])
    answer = api.control("POST", "/payments", {"invoiceNumber": "1002", "amount": 10})
    assert answer.status_code == 400


def test_entries_still_validate_against_the_schema_after_changes(api):
    invoice = an_invoice(api, currency="EUR", exchangeRate=745.5)
    payment = api.pay(invoice["bookedInvoiceNumber"], 100).json()
    api.control("PATCH", f"/payments/{payment['id']}", {"amount": 50, "date": days_from_today(-2)})
    api.pay(invoice["bookedInvoiceNumber"], 10)
    body = api.get(f"/accounting-years/{YEAR}/entries").json()
    assert schema_errors(body, "accounting-years.accountingYear.entries.get") == []


def test_the_fixtures_helpers_change_and_delete_payments(sandbox):
    invoice = sandbox.post("/invoices/drafts", json=invoice_api.a_draft()).json()
    booked = sandbox.post(
        "/invoices/booked", json={"draftInvoice": {"draftInvoiceNumber":
                                                   invoice["draftInvoiceNumber"]}}).json()
    number = booked["bookedInvoiceNumber"]
    payment = sandbox.register_payment(number, 10.0)
    assert sandbox.change_payment(payment["id"], amount=20.0)["amount"] == 20
    sandbox.delete_payment(payment["id"])
    assert sandbox.get(f"/invoices/booked/{number}").json()["remainder"] == booked["grossAmount"]

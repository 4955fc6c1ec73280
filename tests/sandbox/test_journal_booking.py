"""Journal vouchers with VAT codes, and booking them through the Journals API (ADDENDUM §2, §3):
a balanced voucher moves into the ledger, an unbalanced one is kept as a draft and refused."""

import datetime
from collections import defaultdict

from tests.sandbox import invoice_api
from tests.sandbox.conftest import schema_errors
from tests.sandbox.invoice_api import today

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES

YEAR = str(datetime.date.today().year)
JOURNALS_API = "/journalsapi/v15.0.0/journals"


def an_invoice_entry(**changes) -> dict:
    entry = {"customer": {"customerNumber": 1}, "customerInvoice": 1001, "amount": 1250,
             "date": today(), "text": "Invoice 1001", "contraAccount": {"accountNumber": 1010},
             "contraVatAccount": {"vatCode": "U25"}}
    entry.update(changes)
    return entry


def a_customer_only_entry(**changes) -> dict:
    """The customer side alone (the product's voucher today): unbalanced on its own."""
    entry = an_invoice_entry(**changes)
    del entry["contraAccount"], entry["contraVatAccount"]
    return entry


def post_voucher(api, journal=1, **entries) -> dict:
    body = {"accountingYear": {"year": YEAR}, "entries": entries}
    answer = api.post(f"/journals/{journal}/vouchers", body)
    assert answer.status_code == 201, answer.text
    return answer.json()[0]


def journal_entries(api, journal=1) -> list[dict]:
    return api.get(f"/journals/{journal}/entries").json()["collection"]


def ledger(api) -> list[dict]:
    answer = api.get(f"/accounting-years/{YEAR}/entries", params={"pagesize": 1000})
    return answer.json()["collection"]


def per_account(entries) -> dict[int, float]:
    sums = defaultdict(float)
    for entry in entries:
        sums[entry["account"]["accountNumber"]] += entry["amount"]
    return {account: round(total, 2) for account, total in sums.items()}


def book(api, journal=1, path="book", body=None):
    return api.post(f"{JOURNALS_API}/{journal}/{path}", body)


def test_the_vat_of_an_entry_with_a_contra_vat_code_is_derived_from_the_code(api):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry()])
    [entry] = journal_entries(api)
    assert entry["contraVatAmount"] == 250
    assert entry["contraVatAmountInBaseCurrency"] == 250
    assert entry["contraVatAccount"]["vatCode"] == "U25"


def test_a_given_contra_vat_amount_is_kept(api):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry(contraVatAmount=249.99)])
    assert journal_entries(api)[0]["contraVatAmount"] == 249.99


def test_an_entry_takes_currency_rate_and_amount_in_base_currency(api):
    entry = an_invoice_entry(currency={"code": "EUR"}, exchangeRate=745.5, amount=100,
                             amountBaseCurrency=745.49, contraVatAccount={"vatCode": "UEUV"},
                             contraAccount={"accountNumber": 1020})
    post_voucher(api, manualCustomerInvoices=[entry])
    [stored] = journal_entries(api)
    assert (stored["currency"]["code"], stored["exchangeRate"]) == ("EUR", 745.5)
    assert stored["amountDefaultCurrency"] == 745.49
    assert stored["contraVatAmount"] == 0


def test_journal_entries_with_vat_still_validate_against_the_schema(api):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry()])
    body = api.get("/journals/1/entries").json()
    assert schema_errors(body, "journals.journalNumber.entries.get") == []


def test_an_unbalanced_voucher_is_created(api):
    voucher = post_voucher(api, manualCustomerInvoices=[
        a_customer_only_entry()])
    assert voucher["voucherNumber"] == 1


def test_booking_a_balanced_voucher_moves_it_into_the_ledger(api):
    voucher = post_voucher(api, manualCustomerInvoices=[an_invoice_entry()])
    numbers = [entry["journalEntryNumber"] for entry in journal_entries(api)]
    answer = book(api, path="bookdraftentries", body={"entryNumbers": numbers})
    assert answer.status_code == 204, answer.text
    assert journal_entries(api) == []
    entries = ledger(api)
    assert per_account(entries) == {5600: 1250, 1010: -1000, 14261: -250}
    assert {entry["entryType"] for entry in entries} == {"manualDebtorInvoice"}
    assert {entry["voucherNumber"] for entry in entries} == {voucher["voucherNumber"]}
    [receivable] = [entry for entry in entries if "customer" in entry]
    assert receivable["customer"]["customerNumber"] == 1
    assert (receivable["invoiceNumber"], receivable["date"]) == ("1001", today())
    vat = [entry for entry in entries if entry["account"]["accountNumber"] == 14261]
    assert [entry["vatAccount"]["vatCode"] for entry in vat] == ["U25"]
    assert schema_errors(api.get(f"/accounting-years/{YEAR}/entries").json(),
                         "accounting-years.accountingYear.entries.get") == []


def test_one_customer_entry_and_finance_vouchers_balance_as_one_voucher(api):
    customer = a_customer_only_entry(amount=1625)
    revenue = [
        {"account": {"accountNumber": 1010}, "amount": -1250, "date": today(),
         "vatAccount": {"vatCode": "U25"}},
        {"account": {"accountNumber": 1040}, "amount": -375, "date": today()},
    ]
    post_voucher(api, manualCustomerInvoices=[customer], financeVouchers=revenue)
    assert book(api).status_code == 204
    assert per_account(ledger(api)) == {5600: 1625, 1010: -1000, 14261: -250, 1040: -375}


def test_an_unbalanced_voucher_cannot_be_booked_and_stays_a_draft(api):
    post_voucher(api, manualCustomerInvoices=[
        a_customer_only_entry()])
    answer = book(api)
    assert answer.status_code == 400
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    body = answer.json()
    assert body["errorCode"] == "JournalVoucherDoesNotBalance"
    assert body["status"] == 400 and body["errors"][0]["property"] == "voucherNumber"
    assert len(journal_entries(api)) == 1
    assert ledger(api) == []


def test_a_revenue_line_short_of_the_customer_amount_leaves_the_voucher_unbalanced(api):
    customer = a_customer_only_entry(amount=1250)
    revenue = {"account": {"accountNumber": 1010}, "amount": -1000, "date": today()}
    post_voucher(api, manualCustomerInvoices=[customer], financeVouchers=[revenue])
    assert book(api).json()["errorCode"] == "JournalVoucherDoesNotBalance"


def test_booking_books_all_or_nothing(api):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry()])
    post_voucher(api, manualCustomerInvoices=[
        a_customer_only_entry()])
    assert book(api).status_code == 400
    assert len(journal_entries(api)) == 2 and ledger(api) == []


def test_booking_chosen_entries_leaves_the_others_in_the_journal(api):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry()])
    post_voucher(api, manualCustomerInvoices=[
        a_customer_only_entry()])
    first, second = (entry["journalEntryNumber"] for entry in journal_entries(api))
    assert book(api, path="bookdraftentries", body={"entryNumbers": [first]}).status_code == 204
    assert [entry["journalEntryNumber"] for entry in journal_entries(api)] == [second]


def test_booking_with_a_date_interval_books_only_the_entries_in_it(api):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry(date=f"{YEAR}-06-15")])
    post_voucher(api, manualCustomerInvoices=[a_customer_only_entry(date=f"{YEAR}-06-16")])
    interval = {"fromDate": f"{YEAR}-06-01T00:00:00", "toDate": f"{YEAR}-06-15T00:00:00"}
    assert book(api, path="bookWithDateInterval", body=interval).status_code == 204
    assert [entry["date"] for entry in journal_entries(api)] == [f"{YEAR}-06-16"]
    assert [entry["date"] for entry in ledger(api)] == [f"{YEAR}-06-15"] * 3


def test_a_date_interval_needs_both_dates(api):
    missing = book(api, path="bookWithDateInterval", body={"fromDate": f"{YEAR}-06-01"})
    assert missing.status_code == 400
    assert missing.json()["errorCode"] == "InvalidInput"


def test_a_foreign_currency_voucher_books_its_amount_in_base_currency(api):
    entry = an_invoice_entry(currency={"code": "EUR"}, exchangeRate=746, amount=100,
                             contraAccount={"accountNumber": 1020},
                             contraVatAccount={"vatCode": "UEUV"})
    post_voucher(api, manualCustomerInvoices=[entry])
    assert book(api).status_code == 204
    [receivable] = [item for item in ledger(api) if "customer" in item]
    assert (receivable["amount"], receivable["amountInBaseCurrency"]) == (100, 746)
    assert receivable["currency"] == "EUR"


def test_a_customer_payment_is_booked_against_the_journals_default_contra_account(api):
    payment = {"customer": {"customerNumber": 1}, "amount": -125, "date": today()}
    post_voucher(api, journal=2, customerPayments=[payment])
    assert book(api, journal=2).status_code == 204
    assert per_account(ledger(api)) == {5600: -125, 5820: 125}


def test_a_booked_voucher_number_is_not_given_out_again(api):
    first = post_voucher(api, manualCustomerInvoices=[an_invoice_entry()])
    book(api)
    again = post_voucher(api, manualCustomerInvoices=[an_invoice_entry()])
    assert again["voucherNumber"] == first["voucherNumber"] + 1


def test_an_entry_in_a_period_barred_after_posting_is_refused_at_booking(api, sandbox):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry()])
    day = datetime.date.today()
    sandbox.bar_period(day.year, day.month)
    body = book(api).json()
    assert body["errorCode"] == "JournalEntryDateAccountingYearPeriodBarred"
    assert len(journal_entries(api)) == 1


def test_unknown_or_missing_entry_numbers_are_refused(api):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry()])
    unknown = book(api, path="bookdraftentries", body={"entryNumbers": [4242]})
    assert unknown.json()["errorCode"] == "JournalEntryNotFound"
    empty = book(api, path="bookdraftentries", body={"entryNumbers": []})
    assert empty.json()["errorCode"] == "InvalidInput"
    assert len(journal_entries(api)) == 1


def test_a_journal_with_nothing_to_book_answers_204(api):
    assert book(api).status_code == 204


def test_the_deprecated_draft_entries_path_books_under_version_1_1_0_only(api):
    post_voucher(api, manualCustomerInvoices=[an_invoice_entry()])
    assert api.post("/journalsapi/v15.0.0/entries/draft/1/book").status_code == 404
    assert api.post("/journalsapi/v1.1.0/entries/draft/1/book").status_code == 204
    assert journal_entries(api) == []


def test_an_app_without_a_bookkeeping_role_cannot_book(sandbox):
    sandbox.create_agreement(grantToken="sales-app", appRole="Sales")
    session = sandbox.session_for("sales-app")
    answer = session.post(sandbox.url(f"{JOURNALS_API}/1/book"), timeout=10)
    assert answer.status_code == 403


def test_an_unknown_journal_is_404(api):
    assert book(api, journal=99).status_code == 404

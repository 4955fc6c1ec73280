"""Journals and vouchers over HTTP (REFERENCE §2.14)."""

import datetime

from tests.sandbox import invoice_api
from tests.sandbox.invoice_api import errors_of, first_error, today

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES

YEAR = str(datetime.date.today().year)


def a_payment_voucher(**changes) -> dict:
    entry = {
        "customer": {"customerNumber": 1},
        "amount": -125,
        "date": today(),
        "customerInvoice": 5,
    }
    entry.update(changes)
    return {"accountingYear": {"year": YEAR}, "entries": {"customerPayments": [entry]}}


def an_invoice_voucher(**changes) -> dict:
    entry = {
        "customer": {"customerNumber": 1},
        "amount": 1250,
        "date": today(),
        "customerInvoice": 1001,
        "text": "Invoice 1001",
        "contraAccount": {"accountNumber": 1010},
    }
    entry.update(changes)
    return {"accountingYear": {"year": YEAR}, "entries": {"manualCustomerInvoices": [entry]}}


def test_journals_are_listed_and_read_alone(api):
    journals = api.get("/journals").json()["collection"]
    assert [journal["journalNumber"] for journal in journals] == [1, 2, 3]
    journal = api.get("/journals/2").json()
    assert journal["name"] == "Indbetalinger"
    assert journal["vouchers"] == api.url("/journals/2/vouchers")
    assert api.get("/journals/99").status_code == 404


def test_one_voucher_object_answers_201_with_a_one_element_array(api):
    answer = api.post("/journals/2/vouchers", a_payment_voucher())
    assert answer.status_code == 201
    vouchers = answer.json()
    assert isinstance(vouchers, list) and len(vouchers) == 1
    voucher = vouchers[0]
    assert voucher["voucherNumber"] == 50001
    entry = voucher["entries"]["customerPayments"][0]
    assert entry["entryType"] == "customerPayment"
    assert entry["voucher"]["voucherNumber"] == 50001
    assert entry["remainder"] == -125
    assert entry["metaData"]["delete"]["httpMethod"] == "delete"


def test_a_bulk_post_creates_every_voucher_with_consecutive_numbers(api):
    vouchers = [an_invoice_voucher(customerInvoice=n) for n in (1, 2, 3)]
    answer = api.post("/journals/1/vouchers", vouchers)
    assert answer.status_code == 201
    numbers = [voucher["voucherNumber"] for voucher in answer.json()]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    listed = api.get("/journals/1/vouchers").json()["collection"]
    assert [voucher["voucherNumber"] for voucher in listed] == numbers


def test_a_bulk_post_with_one_bad_voucher_is_rejected_whole(api):
    vouchers = [an_invoice_voucher(), an_invoice_voucher(customer={"customerNumber": 4242})]
    errors = errors_of(api.post("/journals/1/vouchers", vouchers))
    assert isinstance(errors, list)
    assert [item["arrayIndex"] for item in errors] == [1]
    error = first_error(errors, 1, "entries", "manualCustomerInvoices", 0, "customer")
    assert error["errorCode"] == "E06000"
    assert api.get("/journals/1/vouchers").json()["collection"] == []


def test_schema_errors_in_bulk_carry_the_array_index(api):
    errors = errors_of(api.post("/journals/1/vouchers", [an_invoice_voucher(), {}]))
    assert first_error(errors, 1, "accountingYear")["errorCode"] == "E04020"


def test_a_voucher_is_read_by_year_and_number(api):
    voucher = api.post("/journals/2/vouchers", a_payment_voucher()).json()[0]
    answer = api.get(f"/journals/2/vouchers/{YEAR}-{voucher['voucherNumber']}")
    assert answer.status_code == 200
    assert answer.json() == voucher
    assert api.get(f"/journals/2/vouchers/{YEAR}-59999").status_code == 404


def test_a_given_voucher_number_is_used_and_checked_against_the_range(api):
    ok = api.post("/journals/2/vouchers", {**a_payment_voucher(), "voucherNumber": 50500})
    assert ok.json()[0]["voucherNumber"] == 50500
    used = api.post("/journals/2/vouchers", {**a_payment_voucher(), "voucherNumber": 50500})
    assert first_error(errors_of(used), "voucherNumber")["errorCode"] == "E04330"
    outside = api.post("/journals/2/vouchers", {**a_payment_voucher(), "voucherNumber": 7})
    assert first_error(errors_of(outside), "voucherNumber")["errorCode"] == "E04320"


def test_an_exhausted_voucher_range_is_refused_clearly(api):
    api.post("/journals/2/vouchers", {**a_payment_voucher(), "voucherNumber": 59999})
    answer = api.post("/journals/2/vouchers", a_payment_voucher())
    assert answer.status_code == 400
    body = answer.json()
    assert body["errorCode"] == "JournalEntryVoucherNumberCannotBeGenerated"
    assert "50001 to 59999" in body["errors"][0]


def test_a_journal_restricted_to_payments_refuses_other_entry_types(api):
    errors = errors_of(api.post("/journals/2/vouchers", an_invoice_voucher()))
    assert first_error(errors, "entries", "manualCustomerInvoices")["errorCode"] == "E04310"


def test_finance_vouchers_check_their_accounts(api):
    voucher = {
        "accountingYear": {"year": YEAR},
        "entries": {
            "financeVouchers": [
                {"account": {"accountNumber": 99999}, "amount": 100, "date": today(), "text": "x"}
            ]
        },
    }
    errors = errors_of(api.post("/journals/1/vouchers", voucher))
    assert first_error(errors, "entries", "financeVouchers", 0, "account")["errorCode"] == "E07150"


def test_an_entry_in_a_barred_period_is_e04041(api):
    closed = [y for y in api.get("/accounting-years").json()["collection"] if y.get("closed")][0]
    voucher = a_payment_voucher(date=closed["fromDate"])
    voucher["accountingYear"] = {"year": closed["year"]}
    errors = errors_of(api.post("/journals/2/vouchers", voucher))
    assert first_error(errors, "entries", "customerPayments", 0, "date")["errorCode"] == "E04041"


def test_an_unknown_accounting_year_is_e06000(api):
    voucher = {**a_payment_voucher(), "accountingYear": {"year": "1999"}}
    errors = errors_of(api.post("/journals/2/vouchers", voucher))
    assert first_error(errors, "accountingYear")["errorCode"] == "E06000"


def test_a_journal_in_the_body_that_differs_from_the_url_is_refused(api):
    voucher = {**a_payment_voucher(), "journal": {"journalNumber": 1}}
    errors = errors_of(api.post("/journals/2/vouchers", voucher))
    assert first_error(errors, "journal")["errorCode"] == "E04340"


def test_supplier_entries_are_refused_as_unsupported(api):
    voucher = {
        "accountingYear": {"year": YEAR},
        "entries": {"supplierPayments": [{"amount": 1, "date": today()}]},
    }
    errors = errors_of(api.post("/journals/1/vouchers", voucher))
    assert first_error(errors, "entries", "supplierPayments")["errorCode"] == "E04350"


def test_entries_are_listed_per_journal(api):
    api.post("/journals/2/vouchers", [a_payment_voucher(), a_payment_voucher()])
    entries = api.get("/journals/2/entries").json()["collection"]
    assert len(entries) == 2
    single = api.get(entries[0]["self"])
    assert single.status_code == 200 and single.json() == entries[0]


def test_deleting_an_entry_follows_its_delete_link_and_drops_an_empty_voucher(api):
    voucher = api.post("/journals/2/vouchers", a_payment_voucher()).json()[0]
    entry = voucher["entries"]["customerPayments"][0]
    assert api.delete(entry["metaData"]["delete"]["href"]).status_code == 204
    assert api.get(entry["self"]).status_code == 404
    assert api.get(voucher["self"]).status_code == 404
    assert api.delete(entry["metaData"]["delete"]["href"]).status_code == 404


def test_a_voucher_without_entries_is_refused(api):
    errors = errors_of(api.post("/journals/1/vouchers", {"accountingYear": {"year": YEAR}}))
    assert first_error(errors, "entries")["errorCode"] == "E04020"


def test_a_posted_payment_voucher_is_a_draft_and_leaves_the_invoice_unpaid(api):
    invoice = api.booked_invoice()
    voucher = a_payment_voucher(
        customerInvoice=invoice["bookedInvoiceNumber"], amount=-invoice["grossAmount"]
    )
    assert api.post("/journals/2/vouchers", voucher).status_code == 201
    assert api.get(invoice["self"]).json()["remainder"] == invoice["grossAmount"]


def test_an_entry_dated_outside_the_vouchers_accounting_year_is_refused(api):
    next_year = str(int(YEAR) + 1)
    voucher = a_payment_voucher(date=f"{next_year}-01-15")
    errors = errors_of(api.post("/journals/2/vouchers", voucher))
    assert first_error(errors, "entries", "customerPayments", 0, "date")["errorCode"] == "E04360"


def test_entries_can_be_found_by_their_text(api):
    api.post(
        "/journals/1/vouchers",
        [
            an_invoice_voucher(text="inv-1"),
            an_invoice_voucher(text="inv-2"),
            an_invoice_voucher(text="inv-3"),
        ],
    )
    found = api.get("/journals/1/entries", params={"filter": "text$eq:inv-1$or:text$eq:INV-3"})
    assert sorted(entry["text"] for entry in found.json()["collection"]) == ["inv-1", "inv-3"]

"""Booking drafts and the booked-invoice views (REFERENCE §2.9, §2.10)."""

import datetime

from tests.sandbox import invoice_api
from tests.sandbox.invoice_api import (
    WITH_PROJECTS,
    Api,
    a_line,
    days_from_today,
    errors_of,
    first_error,
)

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES


def test_booking_consumes_the_draft_and_answers_the_booked_invoice(api):
    draft = api.create_draft(references={"other": "our-17"})
    answer = api.post(
        "/invoices/booked", {"draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]}}
    )
    assert answer.status_code == 201
    booked = answer.json()
    assert answer.headers["Location"] == booked["self"]
    assert booked["orderNumber"] == draft["draftInvoiceNumber"]
    assert booked["remainder"] == booked["grossAmount"] == draft["grossAmount"]
    assert booked["remainderInBaseCurrency"] == booked["grossAmountInBaseCurrency"]
    assert booked["references"] == {"other": "our-17"}
    assert booked["lines"][0]["vatRate"] == 25.0 and booked["lines"][0]["vatAmount"] == 25.0
    assert api.get(draft["self"]).status_code == 404


def test_booking_by_self_link_works(api):
    draft = api.create_draft()
    booked = api.post("/invoices/booked", {"draftInvoice": {"self": draft["self"]}})
    assert booked.status_code == 201


def test_booked_numbers_follow_on_from_each_other(api):
    first = api.booked_invoice()["bookedInvoiceNumber"]
    second = api.booked_invoice()["bookedInvoiceNumber"]
    assert second == first + 1


def test_book_with_number_uses_our_number_and_the_series_skips_past_it(api):
    draft = api.create_draft()
    booked = api.book(draft["draftInvoiceNumber"], bookWithNumber=5000)
    assert booked["bookedInvoiceNumber"] == 5000
    assert api.booked_invoice()["bookedInvoiceNumber"] == 5001


def test_a_used_number_is_refused_and_the_draft_is_kept(api):
    api.book(api.create_draft()["draftInvoiceNumber"], bookWithNumber=7)
    draft = api.create_draft()
    body = {
        "draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]},
        "bookWithNumber": 7,
    }
    error = first_error(errors_of(api.post("/invoices/booked", body)), "bookWithNumber")
    assert error["errorCode"] == "E04220"
    assert error["errorMessage"] == "Invoice number 7 is already in use."
    assert api.get(draft["self"]).status_code == 200


def test_booking_a_consumed_draft_again_is_refused_naming_the_invoice(api):
    draft = api.create_draft()
    booked = api.book(draft["draftInvoiceNumber"])
    again = api.post(
        "/invoices/booked", {"draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]}}
    )
    error = first_error(errors_of(again), "draftInvoice")
    assert error["errorCode"] == "E06000"
    assert (
        f"already been booked as invoice {booked['bookedInvoiceNumber']}" in error["errorMessage"]
    )


def test_booking_an_unknown_draft_is_refused(api):
    answer = api.post("/invoices/booked", {"draftInvoice": {"draftInvoiceNumber": 999}})
    assert (
        first_error(errors_of(answer), "draftInvoice")["errorMessage"]
        == "Draft invoice '999' does not exist."
    )


def test_put_booked_with_a_number_books_with_that_number(api):
    draft = api.create_draft()
    answer = api.put(
        "/invoices/booked/321",
        {"draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]}},
    )
    assert answer.status_code == 201
    assert answer.json()["bookedInvoiceNumber"] == 321


def test_put_booked_with_a_different_number_in_the_body_is_refused(api):
    draft = api.create_draft()
    body = {
        "draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]},
        "bookWithNumber": 5,
    }
    answer = api.put("/invoices/booked/321", body)
    assert first_error(errors_of(answer), "bookWithNumber")["errorCode"] == "E04230"


def test_the_booking_body_is_schema_checked(api):
    answer = api.post(
        "/invoices/booked", {"draftInvoice": {"draftInvoiceNumber": 1}, "sendBy": "fax"}
    )
    assert first_error(errors_of(answer), "sendBy")["errorCode"] == "E04040"


def test_invoice_month_terms_count_from_the_end_of_the_month(api):
    terms = api.get("/payment-terms").json()["collection"]
    month = next(t for t in terms if t["paymentTermsType"] == "invoiceMonth")
    booked = api.booked_invoice(
        date="2026-02-10", paymentTerms={"paymentTermsNumber": month["paymentTermsNumber"]}
    )
    expected = datetime.date(2026, 2, 28) + datetime.timedelta(days=month["daysOfCredit"])
    assert booked["dueDate"] == expected.isoformat()


def test_paid_in_cash_terms_are_due_on_the_invoice_date(api):
    terms = api.get("/payment-terms").json()["collection"]
    cash = [t for t in terms if t["paymentTermsType"] in ("paidInCash", "prepaid")]
    booked = api.booked_invoice(
        date="2026-02-10", paymentTerms={"paymentTermsNumber": cash[0]["paymentTermsNumber"]}
    )
    assert booked["dueDate"] == "2026-02-10"


def test_a_new_invoice_is_unpaid_and_not_due(api):
    number = api.booked_invoice()["bookedInvoiceNumber"]
    assert number in numbers_in(api, "/invoices/unpaid")
    assert number in numbers_in(api, "/invoices/not-due")
    assert number not in numbers_in(api, "/invoices/paid")
    assert number not in numbers_in(api, "/invoices/overdue")


def test_an_invoice_past_its_due_date_is_overdue(api):
    number = api.booked_invoice(date=days_from_today(-30))["bookedInvoiceNumber"]
    assert number in numbers_in(api, "/invoices/overdue")
    assert number not in numbers_in(api, "/invoices/not-due")


def test_booked_invoices_filter_by_number_list_and_reference(api):
    numbers = [
        api.booked_invoice(references={"other": f"ref-{i}"})["bookedInvoiceNumber"]
        for i in range(3)
    ]
    wanted = f"bookedInvoiceNumber$in:[{numbers[0]},{numbers[2]}]"
    assert numbers_in(api, "/invoices/booked", filter=wanted) == [numbers[0], numbers[2]]
    assert numbers_in(api, "/invoices/unpaid", filter="references.other$eq:ref-1") == [numbers[1]]


def test_remainder_is_not_filterable(api):
    answer = api.get("/invoices/booked", params={"filter": "remainder$gt:0"})
    assert answer.status_code == 400
    assert "allowedFilteringFields" in answer.json()


def test_booked_collection_items_carry_remainder_but_no_lines(api):
    api.booked_invoice()
    item = api.get("/invoices/booked").json()["collection"][0]
    assert "remainder" in item and "lines" not in item


def test_the_booked_pdf_is_a_pdf(api):
    booked = api.booked_invoice()
    answer = api.get(booked["pdf"]["download"])
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF-")


def test_an_unknown_booked_invoice_is_404_with_e_conomics_body(api):
    body = api.get("/invoices/booked/999").json()
    assert body["message"] == "Resource not found." and body["httpStatusCode"] == 404


def test_booking_adds_to_the_customers_balance(api):
    before = api.get("/customers/1").json()["balance"]
    booked = api.booked_invoice(lines=[a_line(unitNetPrice=80)])
    assert api.get("/customers/1").json()["balance"] == before + booked["grossAmountInBaseCurrency"]


def test_a_draft_in_another_currency_gets_an_exchange_rate(api):
    booked = api.booked_invoice(currency="EUR")
    assert booked["exchangeRate"] == 746.0
    assert booked["grossAmountInBaseCurrency"] == round(booked["grossAmount"] * 7.46, 2)


def numbers_in(api, path, **params) -> list[int]:
    body = api.get(path, params={"pagesize": 1000, **params}).json()
    return [item["bookedInvoiceNumber"] for item in body["collection"]]


def test_a_customers_invoices_are_listed_under_the_customer(api):
    mine = api.booked_invoice()["bookedInvoiceNumber"]
    draft = api.create_draft()["draftInvoiceNumber"]
    customer = api.get("/customers/1").json()
    booked = api.get(customer["invoices"]["booked"]).json()["collection"]
    drafts = api.get(customer["invoices"]["drafts"]).json()["collection"]
    assert [item["bookedInvoiceNumber"] for item in booked] == [mine]
    assert [item["draftInvoiceNumber"] for item in drafts] == [draft]
    assert api.get("/customers/2/invoices/booked").json()["collection"] == []
    assert api.get("/customers/4242/invoices/booked").status_code == 404


def test_booked_invoices_payments_and_numbering_survive_a_killed_sandbox(sandbox_process):
    before = Api(sandbox_process.base_url, *WITH_PROJECTS)
    booked = before.booked_invoice()
    before.pay(booked["bookedInvoiceNumber"], 25)
    after = Api(sandbox_process.restart(kill=True).base_url, *WITH_PROJECTS)
    assert after.get(booked["self"]).json()["remainder"] == booked["grossAmount"] - 25
    assert after.booked_invoice()["bookedInvoiceNumber"] == booked["bookedInvoiceNumber"] + 1


def test_a_retried_booking_with_the_same_idempotency_key_books_once(api):
    draft = api.create_draft()
    body = {"draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]}}
    headers = {"Idempotency-Key": "book-draft-once"}
    first = api.post("/invoices/booked", body, headers=headers)
    again = api.post("/invoices/booked", body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("X-ResultFromCache") == "true"
    assert again.json()["bookedInvoiceNumber"] == first.json()["bookedInvoiceNumber"]
    assert len(api.get("/invoices/booked").json()["collection"]) == 1

"""Registering and reversing payments through the control API (REFERENCE §7)."""

from tests.sandbox import invoice_api
from tests.sandbox.invoice_api import a_line, days_from_today

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES


def an_invoice(api, amount=100) -> dict:
    """A booked invoice of `amount` net (+ 25 % VAT)."""
    return api.booked_invoice(lines=[a_line(unitNetPrice=amount)])


def remainder_of(api, number: int) -> float:
    return api.get(f"/invoices/booked/{number}").json()["remainder"]


def numbers_in(api, path: str) -> list[int]:
    return [item["bookedInvoiceNumber"] for item in api.get(path).json()["collection"]]


def test_a_full_payment_moves_the_invoice_to_paid(api):
    invoice = an_invoice(api)
    answer = api.pay(invoice["bookedInvoiceNumber"], 125)
    assert answer.status_code == 201
    assert answer.json()["remainder"] == 0
    number = invoice["bookedInvoiceNumber"]
    assert remainder_of(api, number) == 0
    assert api.get(f"/invoices/booked/{number}").json()["remainderInBaseCurrency"] == 0
    assert number in numbers_in(api, "/invoices/paid")
    assert number not in numbers_in(api, "/invoices/unpaid")


def test_a_partial_payment_leaves_the_invoice_unpaid_with_the_rest(api):
    invoice = an_invoice(api)
    api.pay(invoice["bookedInvoiceNumber"], 25.50)
    assert remainder_of(api, invoice["bookedInvoiceNumber"]) == 99.50
    assert invoice["bookedInvoiceNumber"] in numbers_in(api, "/invoices/unpaid")


def test_two_partial_payments_settle_the_invoice(api):
    invoice = an_invoice(api)
    api.pay(invoice["bookedInvoiceNumber"], 100)
    api.pay(invoice["bookedInvoiceNumber"], 25)
    assert invoice["bookedInvoiceNumber"] in numbers_in(api, "/invoices/paid")


def test_an_overpayment_is_refused_and_changes_nothing(api):
    invoice = an_invoice(api)
    answer = api.pay(invoice["bookedInvoiceNumber"], 125.01)
    assert answer.status_code == 400
    assert answer.json()["message"] == "Overpayment refused."
    assert remainder_of(api, invoice["bookedInvoiceNumber"]) == 125


def test_a_payment_on_a_paid_invoice_is_refused(api):
    invoice = an_invoice(api)
    api.pay(invoice["bookedInvoiceNumber"], 125)
    assert api.pay(invoice["bookedInvoiceNumber"], 1).status_code == 400


def test_a_payment_with_three_decimals_or_no_amount_is_refused(api):
    invoice = an_invoice(api)
    assert api.pay(invoice["bookedInvoiceNumber"], 1.005).status_code == 400
    answer = api.control(
        "POST", "/payments", {"bookedInvoiceNumber": invoice["bookedInvoiceNumber"]}
    )
    assert answer.status_code == 400


def test_a_payment_on_an_unknown_invoice_is_refused(api):
    assert api.pay(999, 10).status_code == 400


def test_a_credit_note_is_settled_with_a_negative_amount(api):
    credit = api.booked_invoice(lines=[a_line(quantity=-1, unitNetPrice=100)])
    assert credit["remainder"] == -125
    assert api.pay(credit["bookedInvoiceNumber"], 10).status_code == 400
    assert api.pay(credit["bookedInvoiceNumber"], -125).status_code == 201
    assert credit["bookedInvoiceNumber"] in numbers_in(api, "/invoices/paid")


def test_reversing_a_payment_reopens_the_invoice(api):
    invoice = an_invoice(api)
    payment = api.pay(invoice["bookedInvoiceNumber"], 125).json()
    answer = api.control("POST", f"/payments/{payment['id']}/reverse")
    assert answer.status_code == 200
    assert answer.json()["reversed"] is True
    assert remainder_of(api, invoice["bookedInvoiceNumber"]) == 125
    assert invoice["bookedInvoiceNumber"] in numbers_in(api, "/invoices/unpaid")


def test_a_payment_is_reversed_only_once(api):
    invoice = an_invoice(api)
    payment = api.pay(invoice["bookedInvoiceNumber"], 50).json()
    api.control("POST", f"/payments/{payment['id']}/reverse")
    assert api.control("POST", f"/payments/{payment['id']}/reverse").status_code == 409


def test_reversing_an_unknown_payment_is_404(api):
    assert api.control("POST", "/payments/999/reverse").status_code == 404


def test_an_overdue_invoice_paid_in_full_leaves_overdue(api):
    invoice = api.booked_invoice(date=days_from_today(-30))
    assert invoice["bookedInvoiceNumber"] in numbers_in(api, "/invoices/overdue")
    api.pay(invoice["bookedInvoiceNumber"], invoice["grossAmount"])
    assert invoice["bookedInvoiceNumber"] not in numbers_in(api, "/invoices/overdue")


def test_payments_are_listed_and_booked_in_the_payments_journal_range(api):
    invoice = an_invoice(api)
    first = api.pay(invoice["bookedInvoiceNumber"], 10).json()
    second = api.pay(invoice["bookedInvoiceNumber"], 10).json()
    assert second["voucherNumber"] == first["voucherNumber"] + 1
    journal = api.get("/journals/2").json()
    assert first["voucherNumber"] >= journal["settings"]["voucherNumbers"]["minimumVoucherNumber"]
    listed = api.control("GET", "/payments").json()
    assert [payment["id"] for payment in listed] == [first["id"], second["id"]]


def test_payments_lower_the_customers_balance(api):
    invoice = an_invoice(api)
    before = api.get("/customers/1").json()["balance"]
    api.pay(invoice["bookedInvoiceNumber"], 25)
    assert api.get("/customers/1").json()["balance"] == before - 25


def test_booking_and_paying_fire_the_classic_webhooks(api, sandbox):
    sandbox.add_webhook("Invoice booked", "http://127.0.0.1:9/booked?no=[INVOICENO]")
    sandbox.add_webhook(
        "Day book booked", "http://127.0.0.1:9/daybook?j=[DAYBOOKNO]&f=[FROMSERIALNO]"
    )
    invoice = an_invoice(api)
    payment = api.pay(invoice["bookedInvoiceNumber"], 10).json()
    deliveries = sandbox.webhook_deliveries()
    urls = [delivery["url"] for delivery in deliveries]
    assert f"http://127.0.0.1:9/booked?no={invoice['bookedInvoiceNumber']}" in urls
    assert f"http://127.0.0.1:9/daybook?j=2&f={payment['voucherNumber']}" in urls


# --- many in one call ---------------------------------------------------------------------------


def batch(api, *, reverse=(), register=()):
    return api.control("POST", "/payments/batch",
                       {"reverse": list(reverse), "register": list(register)})  # fmt: skip


def test_a_batch_reverses_then_registers_in_order(api):
    first, second = an_invoice(api), an_invoice(api, amount=200)
    earlier = api.pay(first["bookedInvoiceNumber"], 125).json()
    answer = batch(api, reverse=[earlier["id"]], register=[
        {"bookedInvoiceNumber": first["bookedInvoiceNumber"], "amount": 100},
        {"bookedInvoiceNumber": first["bookedInvoiceNumber"], "amount": 25},
        {"bookedInvoiceNumber": second["bookedInvoiceNumber"], "amount": 50.5},
    ])  # fmt: skip
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [payment["id"] for payment in body["reversed"]] == [earlier["id"]]
    assert [payment["remainder"] for payment in body["registered"]] == [25, 0, 199.5]
    assert remainder_of(api, first["bookedInvoiceNumber"]) == 0
    assert remainder_of(api, second["bookedInvoiceNumber"]) == 199.5
    listed = api.control("GET", "/payments").json()
    assert len(listed) == 4 and listed[0]["reversed"] is True


def test_a_batch_counts_its_own_earlier_payments_against_the_remainder(api):
    invoice = an_invoice(api)
    number = invoice["bookedInvoiceNumber"]
    answer = batch(api, register=[{"bookedInvoiceNumber": number, "amount": 100},
                                  {"bookedInvoiceNumber": number, "amount": 25.01}])  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["message"] == "Overpayment refused."
    assert answer.json()["errors"] == [
        f"amount 25.01 exceeds the remainder 25.00 of invoice {number}."
    ]
    assert remainder_of(api, number) == 125


def test_a_refused_batch_changes_nothing(api):
    invoice = an_invoice(api)
    number = invoice["bookedInvoiceNumber"]
    paid = api.pay(number, 25).json()
    before = api.control("GET", "/payments").json()
    for refused in (
        batch(api, reverse=[paid["id"]], register=[{"bookedInvoiceNumber": 999, "amount": 1}]),
        batch(api, reverse=[paid["id"], paid["id"]]),
        batch(api, reverse=[paid["id"], 999]),
        batch(api, register=[{"bookedInvoiceNumber": number, "amount": 50},
                             {"bookedInvoiceNumber": number, "amount": 1.001}]),  # fmt: skip
    ):
        assert refused.status_code in (400, 404), refused.text
    assert api.control("GET", "/payments").json() == before
    assert remainder_of(api, number) == 100


def test_a_batch_that_is_not_two_lists_is_refused(api):
    answer = batch(api)
    assert answer.status_code == 200 and answer.json() == {"reversed": [], "registered": []}
    answer = api.control("POST", "/payments/batch", {"register": {"bookedInvoiceNumber": 1}})
    assert answer.status_code == 400
    assert "reverse" in answer.text and "register" in answer.text

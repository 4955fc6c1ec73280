"""Classic webhooks (REFERENCE §6.5): URL templates with merge fields, POSTed in the background
with retries, every delivery recorded."""
import datetime
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from economic_sandbox import webhooks
from tests.sandbox.conftest import A_CUSTOMER

A_DRAFT = {"date": "2026-03-02", "currency": "DKK", "customer": {"customerNumber": 1},
           "layout": {"layoutNumber": 19}, "paymentTerms": {"paymentTermsNumber": 1},
           "recipient": {"name": "Horsens Kommune", "vatZone": {"vatZoneNumber": 1}},
           "lines": [{"product": {"productNumber": "1"}, "quantity": 1}]}


class Receiver:
    """A tiny HTTP server that records the requests it gets and fails the first `failures`."""

    def __init__(self, failures: int = 0):
        self.calls: list[tuple[str, str]] = []
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                receiver.calls.append((self.command, self.path))
                failing = len(receiver.calls) <= receiver.failures
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def wait_for(check, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def book_an_invoice(sandbox) -> int:
    draft = sandbox.post("/invoices/drafts", json=A_DRAFT).json()
    booked = sandbox.post("/invoices/booked",
                          json={"draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]}})
    return booked.json()["bookedInvoiceNumber"]


def test_booking_an_invoice_calls_the_webhook_with_the_invoice_number(sandbox, receiver):
    sandbox.add_webhook("Invoice booked", f"{receiver.url}/hook?invoice=[INVOICENO]")
    number = book_an_invoice(sandbox)
    wait_for(lambda: receiver.calls)
    assert receiver.calls == [("POST", f"/hook?invoice={number}")]
    delivery = wait_for(lambda: [d for d in sandbox.webhook_deliveries() if d["status"] == "delivered"])[0]
    assert (delivery["event"], delivery["attempts"], delivery["responseStatus"]) == (
        "Invoice booked", 1, 200)


def test_a_failing_receiver_is_retried(sandbox):
    receiver = Receiver(failures=1)
    try:
        sandbox.add_webhook("Invoice booked", f"{receiver.url}/[INVOICENO]")
        book_an_invoice(sandbox)
        delivery = wait_for(lambda: [d for d in sandbox.webhook_deliveries()
                                     if d["status"] == "delivered"])[0]
        assert delivery["attempts"] == 2
        assert len(receiver.calls) == 2
    finally:
        receiver.close()


def test_other_events_and_other_agreements_are_not_called(sandbox, receiver):
    sandbox.add_webhook("Day book booked", f"{receiver.url}/[DAYBOOKNO]")
    book_an_invoice(sandbox)
    time.sleep(0.3)
    assert receiver.calls == [] and sandbox.webhook_deliveries() == []


def test_the_webhooks_can_be_listed_and_replaced(sandbox, receiver):
    sandbox.add_webhook("Invoice booked", f"{receiver.url}/a")
    path = f"/agreements/{sandbox.agreement_number}/webhooks"
    assert len(sandbox.call_control("GET", path)["webhooks"]) == 1
    assert sandbox.call_control("PUT", path, [])["webhooks"] == []


def test_an_unknown_event_is_refused(sandbox):
    answer = sandbox.control.post(
        sandbox.url(f"/_sandbox/agreements/{sandbox.agreement_number}/webhooks"),
        json={"event": "Invoice paid", "url": "http://127.0.0.1:1/x"})
    assert answer.status_code == 400


def test_merge_fields_are_url_encoded():
    assert webhooks.expand("http://x/[DAYBOOKNO]/[FROMSERIALNO]", {
        "DAYBOOKNO": 2, "FROMSERIALNO": "a b"}) == "http://x/2/a%20b"


def test_creating_and_changing_a_customer_fires_customer_updated(sandbox, receiver):
    sandbox.add_webhook("Customer updated", f"{receiver.url}/c?new=[NEWNUMBER]&old=[OLDNUMBER]")
    number = sandbox.post("/customers", json=A_CUSTOMER).json()["customerNumber"]
    sandbox.put(f"/customers/{number}", json=A_CUSTOMER)
    wait_for(lambda: len(receiver.calls) == 2)
    assert receiver.calls == [("POST", f"/c?new={number}&old={number}")] * 2


def test_creating_a_product_fires_product_updated_with_the_number_encoded(sandbox, receiver):
    sandbox.add_webhook("Product updated", f"{receiver.url}/p/[NEWNUMBER]")
    sandbox.post("/products", json={"productNumber": "A/B", "name": "x",
                                    "productGroup": {"productGroupNumber": 1}})
    wait_for(lambda: receiver.calls)
    assert receiver.calls == [("POST", "/p/A%2FB")]


def test_writes_that_fire_nothing_leave_no_deliveries(sandbox, receiver):
    sandbox.add_webhook("Invoice booked", f"{receiver.url}/[INVOICENO]")
    sandbox.post("/customers", json=A_CUSTOMER)
    time.sleep(0.2)
    assert sandbox.webhook_deliveries() == []


def test_a_webhook_given_on_the_command_line_is_called(receiver):
    from economic_sandbox.pytest_plugin import SandboxProcess

    process = SandboxProcess(None, "--webhook-url", f"{receiver.url}/cli/[INVOICENO]").start()
    try:
        number = book_an_invoice(process.client())
        wait_for(lambda: receiver.calls)
        assert receiver.calls == [("POST", f"/cli/{number}")]
    finally:
        process.kill()


def test_booking_a_journal_calls_day_book_booked_with_its_voucher_range(sandbox, receiver):
    sandbox.add_webhook("Day book booked", f"{receiver.url}/[DAYBOOKNO]/[FROMSERIALNO]/[TOSERIALNO]")
    today = datetime.date.today()
    entry = {"customer": {"customerNumber": 1}, "amount": -125, "date": today.isoformat()}
    voucher = {"accountingYear": {"year": str(today.year)},
               "entries": {"customerPayments": [entry]}}
    for _ in range(2):
        assert sandbox.post("/journals/2/vouchers", json=voucher).status_code == 201
    assert sandbox.post("/journalsapi/v15.0.0/journals/2/book").status_code == 204
    wait_for(lambda: receiver.calls)
    assert receiver.calls == [("POST", "/2/50001/50002")]

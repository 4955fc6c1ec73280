"""The state file (`--state FILE`): what a sandbox acknowledged survives a kill and a restart,
idempotency keys included, so a chaos test can restart it mid-run."""
import json

import requests

from tests.sandbox.conftest import A_CUSTOMER


def test_a_created_customer_survives_a_kill_and_restart(sandbox_process):
    client = sandbox_process.client()
    number = client.post("/customers", json=A_CUSTOMER).json()["customerNumber"]
    sandbox_process.restart(kill=True)
    assert client.get(f"/customers/{number}").json()["name"] == "Acme ApS"
    assert client.post("/customers", json=A_CUSTOMER).json()["customerNumber"] == number + 1


def test_an_idempotency_key_still_replays_after_a_restart(sandbox_process):
    client = sandbox_process.client()
    first = client.post("/customers", json=A_CUSTOMER, headers={"Idempotency-Key": "k"})
    sandbox_process.restart(kill=True)
    again = client.post("/customers", json=A_CUSTOMER, headers={"Idempotency-Key": "k"})
    assert again.headers["X-ResultFromCache"] == "true"
    assert again.json()["customerNumber"] == first.json()["customerNumber"]


def test_a_write_dropped_after_apply_is_in_the_file_before_the_connection_closes(sandbox_process):
    client = sandbox_process.client()
    client.set_faults(drop_after_apply=1.0)
    try:
        client.post("/customers", json=A_CUSTOMER)
    except requests.ConnectionError:
        pass
    state = json.loads(sandbox_process.state_file.read_text(encoding="utf-8"))
    agreement = next(item for item in state["agreements"] if item["number"] == 9000001)
    assert len(agreement["tables"]["customers"]) == 3


def test_a_revoked_grant_and_a_created_agreement_survive_a_graceful_stop(sandbox_process):
    client = sandbox_process.client()
    client.revoke()
    client.create_agreement(agreementNumber=9100002, grantToken="kept")
    sandbox_process.restart(kill=False)
    assert client.get("/self").status_code == 401
    me = client.session_for("kept").get(client.url("/self")).json()
    assert me["agreementNumber"] == 9100002


def test_reset_writes_the_seed_back_to_the_file(sandbox_process):
    client = sandbox_process.client()
    client.delete("/customers/1")
    client.reset()
    sandbox_process.restart(kill=True)
    assert client.get("/customers/1").status_code == 200


def test_concurrent_writes_are_all_in_the_file_after_a_kill(sandbox_process):
    from concurrent.futures import ThreadPoolExecutor

    client = sandbox_process.client()
    client.set_rate_limit(enabled=False)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda index: requests.post(
            client.url("/customers"), json={**A_CUSTOMER, "name": f"C{index}"},
            headers=dict(client.session.headers), timeout=10).status_code, range(24)))
    assert answers == [201] * 24
    sandbox_process.restart(kill=True)
    assert client.get("/customers").json()["pagination"]["results"] == 26


def test_invoices_vouchers_and_payments_survive_a_kill_and_restart(sandbox_process):
    client = sandbox_process.client()
    draft = client.post("/invoices/drafts", json={
        "date": "2026-03-02", "currency": "DKK", "customer": {"customerNumber": 1},
        "layout": {"layoutNumber": 19}, "paymentTerms": {"paymentTermsNumber": 1},
        "recipient": {"name": "Horsens Kommune", "vatZone": {"vatZoneNumber": 1}},
        "lines": [{"product": {"productNumber": "1"}, "quantity": 2}]}).json()
    booked = client.post("/invoices/booked", json={
        "draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]}}).json()
    number = booked["bookedInvoiceNumber"]
    client.register_payment(number, 100.0, "2026-03-05")
    before = client.get(f"/invoices/booked/{number}").json()
    sandbox_process.restart(kill=True)
    after = client.get(f"/invoices/booked/{number}").json()
    assert after == before
    assert after["remainder"] == booked["grossAmount"] - 100.0
    assert len(client.call_control("GET", "/agreements/9000001/payments")) >= 1

"""Injected faults (README "Faults"): latency, 500/503/429, hangs, the write applied but its
answer lost, reproducible from the seed, never on the control API."""
import time

import pytest
import requests

from tests.sandbox.conftest import A_CUSTOMER


def customer_count(sandbox) -> int:
    return sandbox.get("/customers").json()["pagination"]["results"]


def test_latency_delays_every_answer(sandbox):
    sandbox.set_faults(latency_ms=150)
    started = time.monotonic()
    assert sandbox.get("/self").status_code == 200
    assert time.monotonic() - started >= 0.15


def test_jitter_adds_a_varying_delay_up_to_its_amount(sandbox):
    sandbox.set_faults(jitter_ms=100)
    for _ in range(4):
        sandbox.get("/self")
    durations = [entry["durationMs"] for entry in sandbox.request_log()]
    assert all(duration <= 500 for duration in durations)
    assert max(durations) - min(durations) > 1


@pytest.mark.parametrize("status", [500, 503])
def test_an_injected_server_error_answers_e_conomics_body_and_applies_nothing(sandbox, status):
    sandbox.set_faults(**{f"error_{status}": 1.0})
    answer = sandbox.post("/customers", json=A_CUSTOMER)
    assert answer.status_code == status
    assert answer.json()["httpStatusCode"] == status
    sandbox.set_faults()
    assert customer_count(sandbox) == 2


def test_an_injected_429_carries_retry_after(sandbox):
    sandbox.set_faults(error_429=1.0)
    answer = sandbox.get("/self")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "1"


def test_a_hang_outlasts_the_client_timeout_and_then_answers(sandbox):
    sandbox.set_faults(hang=1.0, hang_seconds=0.5)
    with pytest.raises(requests.Timeout):
        sandbox.get("/self", timeout=0.2)
    sandbox.set_faults()
    assert wait_until_logged(sandbox)["status"] == 200  # the server did answer, late


def test_a_hang_then_drop_closes_the_connection_without_applying(sandbox):
    sandbox.set_faults(hang=1.0, hang_seconds=0.1, hang_then="drop")
    with pytest.raises(requests.ConnectionError):
        sandbox.post("/customers", json=A_CUSTOMER)
    sandbox.set_faults()
    assert customer_count(sandbox) == 2


def test_a_hang_after_applying_has_committed_the_write(sandbox):
    sandbox.set_faults(hang=1.0, hang_seconds=0.4, hang_phase="after")
    with pytest.raises(requests.Timeout):
        sandbox.post("/customers", json=A_CUSTOMER, timeout=0.2)
    sandbox.set_faults()
    assert customer_count(sandbox) == 3
    wait_until_logged(sandbox, method="POST")  # the hang ends before the next test resets


def wait_until_logged(sandbox, **filters) -> dict:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        entries = sandbox.request_log(**filters)
        if entries:
            return entries[0]
        time.sleep(0.05)
    raise AssertionError("the request was never logged")


def test_drop_after_apply_commits_the_write_but_loses_the_answer(sandbox):
    sandbox.set_faults(drop_after_apply=1.0)
    with pytest.raises(requests.ConnectionError):
        sandbox.post("/customers", json=A_CUSTOMER, headers={"Idempotency-Key": "k"})
    sandbox.set_faults()
    assert customer_count(sandbox) == 3
    retry = sandbox.post("/customers", json=A_CUSTOMER, headers={"Idempotency-Key": "k"})
    assert retry.headers["X-ResultFromCache"] == "true"
    assert retry.json()["customerNumber"] == 3


def test_a_hang_after_applying_can_end_in_a_dropped_connection(sandbox):
    sandbox.set_faults(hang=1.0, hang_seconds=0.1, hang_phase="after", hang_then="drop")
    with pytest.raises(requests.ConnectionError):
        sandbox.post("/customers", json=A_CUSTOMER)
    sandbox.set_faults()
    assert customer_count(sandbox) == 3
    entry = sandbox.request_log(method="POST")[0]
    assert (entry["status"], entry["appliedStatus"]) == (0, 201), sandbox.request_log()


def test_drop_after_apply_leaves_reads_alone(sandbox):
    sandbox.set_faults(drop_after_apply=1.0)
    assert sandbox.get("/self").status_code == 200


def test_a_scripted_fault_hits_only_the_first_matching_request(sandbox):
    sandbox.set_faults(script=[{"fault": "500", "method": "POST", "path": "/customers"}])
    assert sandbox.get("/customers").status_code == 200
    assert sandbox.post("/customers", json=A_CUSTOMER).status_code == 500
    assert sandbox.post("/customers", json=A_CUSTOMER).status_code == 201


def test_the_same_seed_gives_the_same_faults(sandbox):
    def run() -> list[int]:
        sandbox.set_faults(error_503=0.5)  # setting faults restarts the sequence from the seed
        return [sandbox.get("/self").status_code for _ in range(20)]

    first, second = run(), run()
    assert first == second
    assert 200 in first and 503 in first


def test_faults_are_logged_with_the_request(sandbox):
    sandbox.set_faults(error_500=1.0)
    sandbox.get("/self")
    entry = sandbox.request_log()[-1]
    assert (entry["fault"], entry["status"]) == ("500", 500)


def test_the_control_api_is_never_faulted(sandbox):
    sandbox.set_faults(error_500=1.0, drop_after_apply=1.0)
    assert sandbox.call_control("GET", "/health") == {"status": "ok"}
    assert sandbox.call_control("GET", "/faults")["error_500"] == 1.0


def test_invalid_fault_settings_are_refused(sandbox):
    answer = sandbox.control.put(sandbox.url("/_sandbox/faults"), json={"error_500": 2})
    assert answer.status_code == 400
    answer = sandbox.control.put(sandbox.url("/_sandbox/faults"), json={"bogus": 1})
    assert answer.status_code == 400


def test_a_dropped_answer_is_a_tcp_reset_with_no_bytes(sandbox):
    import json
    import socket
    from urllib.parse import urlsplit

    sandbox.set_faults(drop_after_apply=1.0)
    body = json.dumps(A_CUSTOMER).encode()
    head = (f"POST /customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"X-AppSecretToken: {sandbox.app_token}\r\n"
            f"X-AgreementGrantToken: {sandbox.grant_token}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    address = urlsplit(sandbox.base_url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as connection:
        connection.sendall(head + body)
        with pytest.raises(ConnectionResetError):
            connection.recv(1024)

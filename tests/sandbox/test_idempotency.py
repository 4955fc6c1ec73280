"""`Idempotency-Key` (REFERENCE §6.4, ADDENDUM §6): replays within the hour with
`X-ResultFromCache: true`, scoped per app and agreement; reused with another URL or body it is
400 URLChanged / PayloadChanged; a duplicate in flight waits for the first."""
import json
import threading
import time

from tests.sandbox.conftest import A_CUSTOMER


def post_customer(sandbox, key, **changes):
    return sandbox.post("/customers", json={**A_CUSTOMER, **changes},
                        headers={"Idempotency-Key": key})


def customer_count(sandbox) -> int:
    return sandbox.get("/customers").json()["pagination"]["results"]


def test_the_same_key_replays_the_first_answer_with_the_cache_header(sandbox):
    first = post_customer(sandbox, "key-1")
    second = post_customer(sandbox, "key-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["X-ResultFromCache"] == "true"
    assert "X-ResultFromCache" not in first.headers
    assert customer_count(sandbox) == 3


def test_another_key_executes_again(sandbox):
    post_customer(sandbox, "key-1")
    assert post_customer(sandbox, "key-2").json()["customerNumber"] == 4


def test_a_different_body_with_a_used_key_is_400_payload_changed(sandbox):
    first = post_customer(sandbox, "key-1", name="First")
    second = post_customer(sandbox, "key-1", name="Second")
    assert second.status_code == 400
    assert second.json()["errorCode"] == "PayloadChanged"
    assert "PayloadChanged" in second.json()["message"]
    assert "X-ResultFromCache" not in second.headers
    assert customer_count(sandbox) == 3
    assert post_customer(sandbox, "key-1", name="First").json() == first.json()


def test_the_same_body_with_other_key_order_and_spacing_still_replays(sandbox):
    post_customer(sandbox, "key-1")
    reordered = dict(reversed(list(A_CUSTOMER.items())))
    again = sandbox.post("/customers", data=json.dumps(reordered, indent=2),
                         headers={"Idempotency-Key": "key-1", "Content-Type": "application/json"})
    assert again.status_code == 201
    assert again.headers["X-ResultFromCache"] == "true"


def test_the_key_is_scoped_per_agreement(sandbox):
    post_customer(sandbox, "key-1")
    other = sandbox.session_for("sandbox-grant-2")
    answer = other.post(sandbox.url("/customers"), json=A_CUSTOMER,
                        headers={"Idempotency-Key": "key-1"})
    assert answer.status_code == 201
    assert "X-ResultFromCache" not in answer.headers


def test_a_used_key_on_another_url_is_400_url_changed(sandbox):
    post_customer(sandbox, "key-1")
    answer = sandbox.put("/customers/1", json=A_CUSTOMER, headers={"Idempotency-Key": "key-1"})
    assert answer.status_code == 400
    assert answer.json()["errorCode"] == "URLChanged"
    assert sandbox.get("/customers/1").json()["name"] == "Horsens Kommune"


def test_url_changed_is_checked_before_the_body(sandbox):
    post_customer(sandbox, "key-1")
    answer = sandbox.post("/products", json={"name": "x"}, headers={"Idempotency-Key": "key-1"})
    assert answer.json()["errorCode"] == "URLChanged"


def test_a_validation_error_is_cached_too(sandbox):
    first = post_customer(sandbox, "key-1", currency="XYZ")
    second = post_customer(sandbox, "key-1", currency="XYZ")
    assert first.status_code == second.status_code == 400
    assert second.headers["X-ResultFromCache"] == "true"


def test_a_server_error_is_not_cached_so_the_retry_executes(sandbox):
    sandbox.set_faults(script=[{"fault": "503", "method": "POST"}])
    assert post_customer(sandbox, "key-1").status_code == 503
    retry = post_customer(sandbox, "key-1")
    assert retry.status_code == 201
    assert "X-ResultFromCache" not in retry.headers


def test_get_ignores_the_key(sandbox):
    answer = sandbox.get("/customers/1", headers={"Idempotency-Key": "key-1"})
    sandbox.put("/customers/1", json={**A_CUSTOMER, "name": "Changed"})
    again = sandbox.get("/customers/1", headers={"Idempotency-Key": "key-1"})
    assert again.json()["name"] == "Changed" != answer.json()["name"]
    assert "X-ResultFromCache" not in again.headers


def test_a_duplicate_arriving_while_the_first_runs_waits_and_replays(sandbox):
    sandbox.set_faults(hang_seconds=0.6, script=[{"fault": "hang", "path": "/customers"}])
    answers = {}

    def send(name):
        answers[name] = post_customer(sandbox, "same-key")

    first = threading.Thread(target=send, args=("first",))
    first.start()
    time.sleep(0.2)  # the first is now hanging inside the handler's slot
    started = time.monotonic()
    send("second")
    first.join()
    assert time.monotonic() - started > 0.2  # it waited for the first
    assert answers["second"].json() == answers["first"].json()
    assert answers["second"].headers["X-ResultFromCache"] == "true"
    assert customer_count(sandbox) == 3


def test_a_key_expires_after_an_hour():
    from economic_sandbox.http import Response
    from economic_sandbox.idempotency import Fingerprint, IdempotencyStore

    now = [1000.0]
    store = IdempotencyStore(clock=lambda: now[0])
    calls = []

    def execute():
        calls.append(1)
        return Response(201, {"number": len(calls)})

    scope, request = ("app", 1), Fingerprint.of("POST", "/customers", b"{}")
    store.run(scope, "k", request, execute)
    now[0] += 3599
    assert store.run(scope, "k", request, execute).headers["X-ResultFromCache"] == "true"
    now[0] += 2
    assert store.run(scope, "k", request, execute).body == {"number": 2}
    assert len(calls) == 2

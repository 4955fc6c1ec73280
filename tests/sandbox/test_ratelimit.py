"""The cost-based token bucket and the daily fair-use cap (REFERENCE §5): 429 with Retry-After."""
import time

from tests.sandbox.conftest import A_CUSTOMER


def test_the_defaults_are_documented_ones(sandbox):
    settings = sandbox.call_control("GET", "/rate-limit")
    assert (settings["capacity"], settings["refill_per_second"] * 60) == (10000.0, 10000.0)
    assert (settings["get_cost"], settings["write_cost"]) == (1.0, 2.0)
    assert settings["daily_cap"] == 50000
    assert settings["costs"]["POST /journals/{}/vouchers"] == 5.0


def test_an_empty_bucket_answers_429_with_retry_after_then_recovers(sandbox):
    sandbox.set_rate_limit(capacity=3, refill_per_second=1)
    assert [sandbox.get("/self").status_code for _ in range(3)] == [200, 200, 200]
    limited = sandbox.get("/self")
    assert limited.status_code == 429
    assert limited.json()["httpStatusCode"] == 429
    retry_after = int(limited.headers["Retry-After"])
    assert retry_after >= 1
    time.sleep(retry_after)
    assert sandbox.get("/self").status_code == 200


def test_each_answer_says_what_it_cost_and_how_much_of_the_bucket_is_used(sandbox):
    sandbox.spend_tokens(145)  # another app on the same agreement
    answer = sandbox.post("/customers", json=A_CUSTOMER)
    assert answer.headers["X-CallCost"] == "2"
    limit, used = answer.headers["X-RateLimiting"].split(": ")
    assert limit == "token-limit-10000-per-60-seconds"
    # 147 used, less the little the bucket refilled (166 a second) between the two requests
    assert 135 <= int(used.split("/")[0]) <= 147 and used.endswith("/10000")
    refused = sandbox.post("/customers", json={})
    assert refused.status_code == 400 and refused.headers["X-CallCost"] == "2"


def test_a_write_costs_two_tokens(sandbox):
    sandbox.set_rate_limit(capacity=3, refill_per_second=0.01)
    assert sandbox.post("/customers", json=A_CUSTOMER).status_code == 201
    assert sandbox.post("/customers", json=A_CUSTOMER).status_code == 429
    assert sandbox.get("/self").status_code == 200
    costs = [entry["cost"] for entry in sandbox.request_log()]
    assert costs == [2.0, 2.0, 1.0]


def test_each_agreement_has_its_own_bucket(sandbox):
    sandbox.set_rate_limit(capacity=1, refill_per_second=0.01)
    assert sandbox.get("/self").status_code == 200
    assert sandbox.get("/self").status_code == 429
    other = sandbox.session_for("sandbox-grant-2")
    assert other.get(sandbox.url("/self")).status_code == 200


def test_a_route_cost_can_be_set(sandbox):
    sandbox.set_rate_limit(capacity=10, refill_per_second=0.01, costs={"GET /self": 10})
    assert sandbox.get("/self").status_code == 200
    assert sandbox.get("/self").status_code == 429


def test_the_daily_cap_answers_429_until_midnight(sandbox):
    sandbox.call_control("PUT", f"/counters/{sandbox.agreement_number}", {"callsToday": 50000})
    answer = sandbox.get("/self")
    assert answer.status_code == 429
    assert "daily" in answer.json()["message"]
    assert 1 <= int(answer.headers["Retry-After"]) <= 86400


def test_calls_are_counted_per_agreement_per_day(sandbox):
    for _ in range(3):
        sandbox.get("/self")
    counters = sandbox.counters()
    assert counters["agreements"][str(sandbox.agreement_number)] == 3
    assert counters["agreements"]["9000002"] == 0
    assert counters["dailyCap"] == 50000


def test_the_control_api_is_never_limited(sandbox):
    sandbox.set_rate_limit(capacity=1, refill_per_second=0.01)
    for _ in range(5):
        sandbox.counters()


def test_heavy_routes_cost_five_whatever_their_parameters_are_called(sandbox):
    sandbox.post("/journals/1/vouchers", json=[])
    sandbox.get("/invoices/booked/1/pdf")
    assert [entry["cost"] for entry in sandbox.request_log()] == [5.0, 5.0]

"""The client against the sandbox over real HTTP: each error kind, retries, timeouts."""
import time

import pytest
import requests

from integration.economic import filters
from integration.economic.client import EconomicClient
from integration.economic.errors import (
    ConfigurationError,
    NotFoundError,
    PermanentError,
    TransientError,
)
from integration.models import ApiCall
from tests.integration.conftest import GRANT_TOKEN, product_writes

A_CUSTOMER = {
    "name": "Acme ApS", "currency": "DKK", "customerGroup": {"customerGroupNumber": 1},
    "paymentTerms": {"paymentTermsNumber": 1}, "vatZone": {"vatZoneNumber": 1},
}  # fmt: skip


def test_it_reads_the_agreement(economic):
    assert economic.self_get()["agreementNumber"] == 9000001


def test_a_revoked_grant_is_a_configuration_error(economic, sandbox):
    sandbox.revoke()
    with pytest.raises(ConfigurationError, match="refused the tokens") as raised:
        economic.self_get()
    assert raised.value.status == 401
    assert raised.value.permanent


def test_a_missing_module_is_a_configuration_error(sandbox, economic):
    other = EconomicClient(rest_url=sandbox.base_url, openapi_url=sandbox.base_url,
                           app_secret_token=sandbox.app_token, grant_token="sandbox-grant-2")
    with pytest.raises(ConfigurationError, match="projects module is not enabled") as raised:
        other.request("GET", "/api/v22.0.0/projects", base=sandbox.base_url)
    assert raised.value.status == 403


def test_a_validation_error_is_permanent_and_names_the_field(economic):
    with pytest.raises(PermanentError) as raised:
        economic.customer_create({**A_CUSTOMER, "currency": "XXX"}, idempotency_key="k1")
    assert raised.value.kind == "permanent"
    assert "currency" in str(raised.value)
    assert "E06000" in str(raised.value)


def test_an_unknown_document_is_not_found(economic):
    with pytest.raises(NotFoundError):
        economic.customer_get(987654)


def test_a_get_is_retried_after_a_503(economic, sandbox):
    sandbox.set_faults(script=[{"fault": "503", "method": "GET", "path": "/self"}])
    since = sandbox.last_request_id()
    assert economic.self_get()["agreementNumber"] == 9000001
    assert [entry["status"] for entry in sandbox.request_log(since)] == [503, 200]


def test_a_get_waits_as_long_as_retry_after_says(economic, sandbox):
    sandbox.set_faults(script=[{"fault": "429", "method": "GET", "path": "/self"}])
    started = time.monotonic()
    economic.self_get()
    assert time.monotonic() - started >= 1.0  # the sandbox's 429 says Retry-After: 1


def test_a_post_is_never_retried_blindly(economic, sandbox):
    sandbox.set_faults(script=[{"fault": "503", "method": "POST", "path": "/customers"}])
    since = sandbox.last_request_id()
    with pytest.raises(TransientError) as raised:
        economic.customer_create(A_CUSTOMER, idempotency_key="k2")
    assert raised.value.ambiguous
    assert len(product_writes(sandbox, since)) == 1


def test_a_write_applied_then_dropped_is_ambiguous(economic, sandbox):
    sandbox.set_faults(script=[{"fault": "drop_after_apply", "method": "POST"}])
    with pytest.raises(TransientError, match="dropped the connection") as raised:
        economic.customer_create({**A_CUSTOMER, "name": "Dropped ApS"}, idempotency_key="k3")
    assert raised.value.ambiguous
    found = economic.customers_find(filters.eq("name", "Dropped ApS"))
    assert len(found) == 1  # it was applied: the caller must look it up, not resend


def test_the_same_idempotency_key_replays_instead_of_creating_twice(economic, sandbox):
    first = economic.customer_create({**A_CUSTOMER, "name": "Once ApS"}, idempotency_key="k4")
    second = economic.customer_create({**A_CUSTOMER, "name": "Once ApS"}, idempotency_key="k4")
    assert first["customerNumber"] == second["customerNumber"]
    assert len(economic.customers_find(filters.eq("name", "Once ApS"))) == 1
    assert ApiCall.objects.filter(from_cache=True).count() == 1


def test_a_hang_past_the_timeout_is_transient(sandbox_connection, sandbox):
    client = EconomicClient(rest_url=sandbox.base_url, openapi_url=sandbox.base_url,
                            app_secret_token=sandbox.app_token, grant_token=sandbox.grant_token,
                            timeout=(2.0, 0.3))
    sandbox.set_faults(hang_seconds=1.0,
                       script=[{"fault": "hang", "method": "POST", "path": "/customers"}])
    with pytest.raises(TransientError, match="did not answer in time") as raised:
        client.customer_create(A_CUSTOMER, idempotency_key="k5")
    assert raised.value.ambiguous


def test_an_unreachable_server_is_transient_and_not_ambiguous():
    client = EconomicClient(rest_url="http://127.0.0.1:9", openapi_url="http://127.0.0.1:9",
                            app_secret_token="a", grant_token="g", timeout=(0.5, 0.5))
    with pytest.raises(TransientError) as raised:
        client.customer_create(A_CUSTOMER, idempotency_key="k6")
    assert not raised.value.ambiguous  # nothing was sent


def test_the_session_refuses_a_call_without_a_timeout(economic, sandbox):
    with pytest.raises(ValueError, match="without a timeout"):
        economic.session.request("GET", sandbox.base_url + "/self")


def test_every_call_is_recorded_without_the_tokens(economic, sandbox, sandbox_connection):
    sandbox.revoke()
    with pytest.raises(ConfigurationError):
        economic.self_get()
    call = ApiCall.objects.get()
    assert (call.connection, call.method, call.path, call.status) == (sandbox_connection, "GET", "/self", 401)
    assert call.error and call.duration_ms >= 0 and call.cost == 1.0
    stored = " ".join(str(value) for value in ApiCall.objects.values_list().get())
    assert sandbox.grant_token not in stored and sandbox.app_token not in stored
    assert GRANT_TOKEN not in repr(economic)


def test_pagination_reads_2500_customers_a_thousand_a_call(economic, sandbox):
    sandbox.set_rate_limit(enabled=False)
    with requests.Session() as session:
        session.headers.update(sandbox.session.headers)
        for number in range(1, 2501):
            body = {**A_CUSTOMER, "customerNumber": 100000 + number, "name": f"Bulk {number}"}
            assert session.post(sandbox.url("/customers"), json=body, timeout=10).status_code == 201
    since = sandbox.last_request_id()
    names = {customer["name"] for customer in economic.iterate("/customers")}
    assert {f"Bulk {number}" for number in range(1, 2501)} <= names
    pages = sandbox.request_log(since)
    assert [entry["status"] for entry in pages] == [200, 200, 200]

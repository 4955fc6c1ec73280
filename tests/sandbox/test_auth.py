"""Two-header auth (REFERENCE §1): 401 bodies, the read-only demo agreement, revoked grants and
agreements that each keep their own data."""
import requests

from tests.sandbox.conftest import A_CUSTOMER

ERROR_KEYS = {"message", "developerHint", "logId", "httpStatusCode", "logTime"}


def test_a_request_without_tokens_is_401_with_e_conomics_body(sandbox):
    answer = requests.get(sandbox.url("/customers"), timeout=5)
    assert answer.status_code == 401
    assert set(answer.json()) == ERROR_KEYS
    assert answer.json()["httpStatusCode"] == 401


def test_an_unknown_app_token_is_401(sandbox):
    answer = sandbox.session_for(sandbox.grant_token, "not-an-app").get(sandbox.url("/self"))
    assert answer.status_code == 401
    assert "X-AppSecretToken" in answer.json()["message"]


def test_an_unknown_grant_token_is_401(sandbox):
    answer = sandbox.session_for("not-a-grant").get(sandbox.url("/self"))
    assert answer.status_code == 401
    assert "X-AgreementGrantToken" in answer.json()["message"]


def test_the_demo_tokens_read_the_demo_agreement(sandbox):
    answer = sandbox.session_for("demo", "demo").get(sandbox.url("/self"))
    assert answer.status_code == 200
    assert answer.json()["agreementNumber"] == 1118081


def test_the_demo_tokens_are_case_insensitive_and_work_as_a_query_flag(sandbox):
    assert sandbox.session_for("Demo", "Demo").get(sandbox.url("/self")).status_code == 200
    answer = requests.get(sandbox.url("/self?demo=true"), timeout=5)
    assert answer.json()["agreementNumber"] == 1118081


def test_the_demo_grant_with_a_real_app_token_is_401(sandbox):
    assert sandbox.session_for("demo").get(sandbox.url("/self")).status_code == 401


def test_the_demo_agreement_refuses_writes_with_403(sandbox):
    demo = sandbox.session_for("demo", "demo")
    answer = demo.post(sandbox.url("/customers"), json=A_CUSTOMER)
    assert answer.status_code == 403
    assert "read-only" in answer.json()["message"]
    assert demo.delete(sandbox.url("/customers/1")).status_code == 403
    assert demo.get(sandbox.url("/customers/1")).status_code == 200


def test_a_revoked_grant_is_401_until_restored(sandbox):
    sandbox.revoke()
    answer = sandbox.get("/self")
    assert answer.status_code == 401
    assert answer.json()["message"] == "The grant has been revoked."
    sandbox.restore()
    assert sandbox.get("/self").status_code == 200


def test_revoking_one_grant_leaves_the_other_agreements_working(sandbox):
    sandbox.revoke()
    other = sandbox.session_for("sandbox-grant-2")
    assert other.get(sandbox.url("/self")).json()["agreementNumber"] == 9000002


def test_each_agreement_keeps_its_own_data(sandbox):
    number = sandbox.post("/customers", json=A_CUSTOMER).json()["customerNumber"]
    other = sandbox.session_for("sandbox-grant-2")
    assert sandbox.get(f"/customers/{number}").status_code == 200
    assert other.get(sandbox.url(f"/customers/{number}")).status_code == 404

"""The clients of a process send through one session per base URL; the environment's proxy
settings apply as the settings say, read once per host."""

import threading
from http.cookiejar import Cookie

import pytest
import requests
from requests.cookies import MockRequest

from integration.economic.client import EconomicClient
from integration.economic.errors import TransientError
from integration.economic.transport import build_session

CLOSED_PORT_PROXY = "http://127.0.0.1:9"  # nothing listens there: a call through it fails


def _client(sandbox, **options) -> EconomicClient:
    return EconomicClient(rest_url=sandbox.base_url, openapi_url=sandbox.base_url,
                          app_secret_token=sandbox.app_token, grant_token=sandbox.grant_token,
                          timeout=(2.0, 2.0), **options)  # fmt: skip


def test_clients_of_one_process_share_a_session_per_base_url(sandbox):
    first, second = _client(sandbox), _client(sandbox)
    assert first.session is second.session
    assert first.self_get() == second.self_get()
    elsewhere = EconomicClient(rest_url="http://127.0.0.1:9", openapi_url="http://127.0.0.1:9",
                               app_secret_token="a", grant_token="b")  # fmt: skip
    assert elsewhere.session is not first.session


def test_each_thread_has_a_session_of_its_own(sandbox):
    sessions = []
    thread = threading.Thread(target=lambda: sessions.append(_client(sandbox).session))
    thread.start()
    thread.join()
    assert sessions[0] is not _client(sandbox).session


def test_the_shared_session_keeps_no_cookie(sandbox):
    # Every agreement of the process sends through it: a cookie of one answer must never go
    # with another agreement's call.
    policy = _client(sandbox).session.cookies.get_policy()
    request = MockRequest(requests.Request("GET", sandbox.base_url + "/self").prepare())
    cookie = Cookie(0, "session", "agreement-1", None, False, "127.0.0.1", False, False, "/",
                    False, False, None, False, None, None, {})  # fmt: skip
    assert not policy.set_ok(cookie, request)


def test_the_environments_proxy_is_used_when_the_settings_say_so(sandbox, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", CLOSED_PORT_PROXY)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = _client(sandbox, session=build_session(retries=0, proxies_from_environment=True))
    with pytest.raises(TransientError, match="ProxyError"):
        client.self_get()


def test_calls_go_straight_to_e_conomic_when_the_settings_say_so(sandbox, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", CLOSED_PORT_PROXY)
    client = _client(sandbox, session=build_session(retries=0, proxies_from_environment=False))
    assert client.self_get()["agreementNumber"] == 9000001


def test_the_environment_is_read_once_per_host(sandbox, monkeypatch):
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    client = _client(sandbox, session=build_session(retries=0))
    assert client.self_get()["agreementNumber"] == 9000001
    monkeypatch.setenv("HTTP_PROXY", CLOSED_PORT_PROXY)  # taken up at the next restart
    assert client.self_get()["agreementNumber"] == 9000001

"""Connect with e-conomic: our form, the sandbox's installation page over real HTTP ("Tilføj
app"), and back with the grant token, which is stored encrypted, tested, and never logged."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connection as database
from django.urls import reverse

from integration.logredact import RedactWebhookSecrets
from integration.models import Connection

CONNECT = "admin:integration_connection_connect"


@pytest.fixture
def installable(sandbox, settings):
    """The endpoint allowlist pointed at the running sandbox, installation page included."""
    settings.ECONOMIC_ENDPOINTS = {
        **settings.ECONOMIC_ENDPOINTS,
        "sandbox": {
            **settings.ECONOMIC_ENDPOINTS["sandbox"],
            "rest_url": sandbox.base_url,
            "openapi_url": sandbox.base_url,
            "app_secret_token": sandbox.app_token,
            "install_url": f"{sandbox.base_url}/secure/api1/requestaccess.aspx",
        },
    }
    return sandbox


def _leave_for_economic(client, **form) -> str:
    answer = client.post(reverse(CONNECT), {"name": "Kunde A", "endpoint": "sandbox", **form})
    assert answer.status_code == 302, answer.content.decode()[:500]
    return answer["Location"]


def _add_app(install_url: str, agreement: int = 9000001) -> str:
    """What a person does on e-conomic's page: choose the agreement, click "Tilføj app"."""
    page = requests.get(install_url, timeout=5)
    assert page.status_code == 200 and "Tilføj app" in page.text and str(agreement) in page.text
    added = requests.post(install_url, data={"agreement": agreement}, allow_redirects=False,
                          timeout=5)  # fmt: skip
    assert added.status_code == 302
    return added.headers["Location"]


def _come_back(client, location: str):
    parts = urlsplit(location)
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def test_a_manager_connects_in_two_clicks_and_lands_on_the_setup_check(
    client, manager, installable
):
    client.force_login(manager)
    install_url = _leave_for_economic(client)
    query = parse_qs(urlsplit(install_url).query)
    assert query["appPublicToken"] == ["sandbox-app-public"] and query["locale"] == ["en-US"]

    back = _come_back(client, _add_app(install_url))

    connection = Connection.objects.get(name="Kunde A")
    assert back["Location"] == reverse(
        "admin:integration_connection_setup_check", args=[connection.pk]
    )
    assert connection.grant_token == installable.grant_token
    assert (connection.agreement_number, connection.test_error) == (9000001, "")
    with database.cursor() as cursor:  # what the database holds is the token encrypted
        cursor.execute("SELECT grant_token FROM integration_connection WHERE id = %s",
                       [connection.pk])  # fmt: skip
        stored = cursor.fetchone()[0]
    assert stored and installable.grant_token not in stored


def test_a_return_not_begun_here_or_used_twice_is_refused(
    client, manager, installable, django_user_model
):
    client.force_login(manager)
    back_url = _add_app(_leave_for_economic(client))
    assert _come_back(client, back_url).status_code == 302
    Connection.objects.all().delete()

    replay = _come_back(client, back_url)  # the state is used up
    other = django_user_model.objects.create_user("other", password="pw", is_superuser=True,
                                                  is_staff=True)  # fmt: skip
    client.force_login(other)
    foreign = _come_back(client, back_url)  # another browser's session holds no state

    for answer in (replay, foreign):
        assert answer["Location"] == reverse("admin:integration_connection_changelist")
    assert not Connection.objects.exists()
    messages = [str(each) for each in foreign.wsgi_request._messages]
    assert any("was not begun here" in text for text in messages)


def test_reconnecting_replaces_the_token_and_resets_the_last_test(client, manager, installable):
    old = Connection.objects.create(name="Kunde A", endpoint="sandbox", grant_token="stale-token")
    client.force_login(manager)
    answer = client.post(reverse(CONNECT), {"name": "Kunde A", "endpoint": "sandbox"})
    assert "is named &#x27;Kunde A&#x27; already" in answer.content.decode()

    install_url = client.post(f"{reverse(CONNECT)}?connection={old.pk}", {})["Location"]
    _come_back(client, _add_app(install_url))

    old.refresh_from_db()
    assert old.grant_token == installable.grant_token and old.agreement_number == 9000001
    assert old.tested_at is not None and old.test_error == ""


def test_a_clerk_may_not_connect(client, clerk, installable):
    client.force_login(clerk)
    assert client.get(reverse(CONNECT)).status_code == 403


def test_the_installation_page_refuses_an_unknown_app_and_a_bad_redirect(installable):
    base = f"{installable.base_url}/secure/api1/requestaccess.aspx"
    for query in ({"appPublicToken": "nope", "redirectUrl": "http://x/"},
                  {"appPublicToken": "sandbox-app-public", "redirectUrl": "javascript:alert(1)"}):
        answer = requests.post(base, params=query, data={"agreement": 9000001},
                               allow_redirects=False, timeout=5)  # fmt: skip
        assert answer.status_code == 400 and "Location" not in answer.headers


def test_the_token_coming_back_is_not_logged():
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1,
                               '"GET /admin/integration/connection/connect/back/?state=s&token=%s '
                               'HTTP/1.1" 302 0', ("sandbox-grant-1",), None)  # fmt: skip
    RedactWebhookSecrets().filter(record)
    assert "sandbox-grant-1" not in record.getMessage()
    assert "token=[secret]" in record.getMessage()


def test_an_agreement_connected_already_is_named_not_a_server_error(client, manager, installable):
    Connection.objects.create(name="Demo", endpoint="sandbox", grant_token="x",
                              agreement_number=9000001)  # fmt: skip
    client.force_login(manager)

    back = _come_back(client, _add_app(_leave_for_economic(client)))

    twin = Connection.objects.get(name="Kunde A")
    assert back.status_code == 302 and twin.agreement_number is None
    assert "Agreement 9000001 is connected already as 'Demo'" in twin.test_error


def test_a_token_that_cannot_be_stored_is_refused_in_words(client, manager, installable, settings):
    client.force_login(manager)
    back_url = _add_app(_leave_for_economic(client))
    settings.FIELD_ENCRYPTION_KEYS = []

    back = _come_back(client, back_url)

    assert back["Location"] == reverse("admin:integration_connection_changelist")
    messages = [str(each) for each in back.wsgi_request._messages]
    assert any("cannot be stored" in text for text in messages)
    assert not Connection.objects.exists()


def test_the_connect_page_lets_its_form_go_on_to_the_installation_page(client, manager, installable):
    """A browser holds the redirect after a form to the page's form-action: e-conomic's origin
    must be in it, or the browser stops on our page."""
    client.force_login(manager)
    policy = client.get(reverse(CONNECT))["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if "form-action" in part).split()
    assert "'self'" in form_action and installable.base_url in form_action
    assert "https://secure.e-conomic.com" in form_action

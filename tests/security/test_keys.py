"""A wrong or missing FIELD_ENCRYPTION_KEYS: pages still open and name the fix, `check
--deploy` fails, and `rotate_keys` moves every stored secret to the first key."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.core.management import CommandError, call_command
from django.db import connection as database
from django.test import Client
from django.urls import reverse

from integration.models import Connection
from integration.services.connections import connection_test
from integration.services.payments import payment_webhook_create
from tests.security.conftest import GRANT_TOKEN, connection_form

OLD_KEY, NEW_KEY, LOST_KEY = (Fernet.generate_key().decode() for _ in range(3))


@pytest.fixture
def stored_under_old_key(db, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    return Connection.objects.create(name="Old", endpoint="sandbox", grant_token=GRANT_TOKEN)


def _stored_ciphertext(connection: Connection) -> str:
    with database.cursor() as cursor:
        cursor.execute("SELECT grant_token FROM integration_connection WHERE id = %s",
                       [connection.pk])  # fmt: skip
        return cursor.fetchone()[0]


def _key_errors() -> list[str]:
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    return [message.id for message in found if message.id.startswith("integration.")]


def test_a_wrong_key_leaves_every_page_open_and_names_the_fix(client, admin_user, settings,
                                                              stored_under_old_key):  # fmt: skip
    connection = stored_under_old_key
    webhook = payment_webhook_create(connection=connection)
    settings.FIELD_ENCRYPTION_KEYS = [LOST_KEY]
    client.force_login(admin_user)
    pages = [
        reverse("admin:integration_connection_changelist"),
        reverse("admin:integration_connection_change", args=[connection.pk]),
        reverse("admin:integration_connection_setup_check", args=[connection.pk]),
    ]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "FIELD_ENCRYPTION_KEYS" in page.content.decode(), url
    assert Client().post(webhook + "?event=day-book-booked").status_code == 200
    assert connection_test(connection=Connection.objects.get(pk=connection.pk)) is False
    assert "the key it was encrypted with is missing" in Connection.objects.get().test_error
    assert _stored_ciphertext(connection) != ""  # saving the test's outcome kept the token


@pytest.mark.parametrize("keys", [[], ["not-a-fernet-key"]])
def test_check_deploy_fails_without_a_usable_key(db, settings, keys):
    settings.FIELD_ENCRYPTION_KEYS = keys
    assert _key_errors() == ["integration.E001"]


def test_check_deploy_fails_when_a_stored_token_cannot_be_decrypted(settings, stored_under_old_key):
    assert _key_errors() == []
    settings.FIELD_ENCRYPTION_KEYS = [LOST_KEY]
    assert _key_errors() == ["integration.E002"]


def test_rotate_keys_re_encrypts_every_token_under_the_first_key(settings, stored_under_old_key):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    output = io.StringIO()
    call_command("rotate_keys", stdout=output)
    assert "Re-encrypted 1 stored secret(s)" in output.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert Connection.objects.get().grant_token == GRANT_TOKEN


def test_rotate_keys_changes_nothing_when_a_token_cannot_be_decrypted(
    settings, stored_under_old_key
):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    readable = Connection.objects.create(name="New", endpoint="sandbox", grant_token="other-1")
    before = [_stored_ciphertext(stored_under_old_key), _stored_ciphertext(readable)]
    with pytest.raises(CommandError, match="decrypts 1 stored secret"):
        call_command("rotate_keys")
    assert [_stored_ciphertext(stored_under_old_key), _stored_ciphertext(readable)] == before


def test_a_new_token_without_a_key_is_a_form_error(client, admin_user, settings, connection):
    settings.FIELD_ENCRYPTION_KEYS = []
    client.force_login(admin_user)
    url = reverse("admin:integration_connection_change", args=[connection.pk])
    page = client.post(url, connection_form(connection, new_grant_token="new-grant-token-1"))
    assert page.status_code == 200
    assert "The token cannot be stored: FIELD_ENCRYPTION_KEYS is empty" in page.content.decode()

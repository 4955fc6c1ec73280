"""The agreement grant token is stored encrypted and shown nowhere."""

import logging
import subprocess
from pathlib import Path

import pytest
from django.db import connection as database
from django.urls import reverse

from integration.models import ApiCall, Connection
from integration.services.connections import connection_test
from tests.integration.conftest import GRANT_TOKEN


def test_the_grant_token_is_encrypted_in_the_database(connection):
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT grant_token FROM integration_connection WHERE id = %s", [connection.pk]
        )
        stored = cursor.fetchone()[0]
    assert GRANT_TOKEN not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    assert Connection.objects.get(pk=connection.pk).grant_token == GRANT_TOKEN


def test_the_change_page_never_renders_the_token(client, manager, connection):
    client.force_login(manager)
    page = client.get(reverse("admin:integration_connection_change", args=[connection.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert GRANT_TOKEN not in html
    assert GRANT_TOKEN[-6:] not in html
    assert "stored" in html


def test_an_empty_token_field_keeps_the_stored_token(client, manager, connection):
    client.force_login(manager)
    url = reverse("admin:integration_connection_change", args=[connection.pk])
    form = {
        "name": "Renamed",
        "endpoint": "sandbox",
        "active": "on",
        "export_method": "draft",
        "number_policy": "keep_both",
        "field_policy": "fill_empty",
        "payment_sync": "full",
        "payments_since": "2026-11-01",
        "new_grant_token": "",
    }
    answer = client.post(url, form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    connection.refresh_from_db()
    assert connection.name == "Renamed"
    assert connection.grant_token == GRANT_TOKEN


def test_a_new_connection_needs_a_token(client, manager):
    client.force_login(manager)
    answer = client.post(
        reverse("admin:integration_connection_add"),
        {
            "name": "Second",
            "endpoint": "sandbox",
            "export_method": "draft",
            "number_policy": "keep_both",
            "field_policy": "fill_empty",
            "payment_sync": "full",
            "payments_since": "2026-11-01",
        },
    )
    assert answer.status_code == 200
    assert "needs the agreement grant token" in answer.content.decode()
    assert not Connection.objects.filter(name="Second").exists()


def test_a_refused_token_leaves_no_trace_of_itself(connection, caplog):
    """Test connection against an endpoint that refuses: the failure is recorded, the token
    appears in no message, log line or call row."""
    connection.endpoint = "sandbox"
    connection.save()
    with caplog.at_level(logging.DEBUG):
        connection_test(connection=connection)
    connection.refresh_from_db()
    assert connection.test_error
    texts = [connection.test_error, caplog.text]
    texts += [call.error + call.path for call in ApiCall.objects.all()]
    assert all(GRANT_TOKEN not in text for text in texts)


@pytest.mark.django_db(transaction=True)
def test_the_database_file_never_holds_the_token_in_plain_text():
    """Committed rows, read back as the bytes on disk (SQLite), or as the server stores them."""
    saved = Connection.objects.create(name="On disk", endpoint="sandbox", grant_token=GRANT_TOKEN)
    if database.vendor == "sqlite":
        path = Path(database.settings_dict["NAME"])
        files = [path, path.with_name(path.name + "-wal")]
        content = _bytes_read_by_another_process([file for file in files if file.exists()])
        assert b"On disk" in content  # the row is there to be found
    else:
        with database.cursor() as cursor:
            cursor.execute("SELECT * FROM integration_connection WHERE id = %s", [saved.pk])
            content = repr(cursor.fetchall()).encode()
    assert GRANT_TOKEN.encode() not in content


def _bytes_read_by_another_process(paths: list[Path]) -> bytes:
    """The files' bytes, read by a child process (cat). Closing any descriptor of the database
    file in this process drops every POSIX lock SQLite holds on it here
    (https://www.sqlite.org/howtocorrupt.html, 2.2): a later process closing its connection then
    takes itself for the last one and deletes the WAL this process still reads, and from then on
    this process never sees what other processes (a qcluster worker) commit."""
    return subprocess.run(["cat", *map(str, paths)], capture_output=True, check=True).stdout

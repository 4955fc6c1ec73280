"""Tokens stay out of error reports and logs; a token that cannot be sent is refused."""

from __future__ import annotations

import datetime
import io
import logging
import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter
from gunicorn.config import Config

from integration.economic.client import EconomicClient
from integration.services.connections import connection_test
from tests.security.conftest import APP_TOKEN, GRANT_TOKEN, connection_form

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zk3-webhook-secret-9Qx"
WEBHOOK_PATH = f"/integration/economic/webhooks/1/{SECRET}/"
# A pasted euro sign, a space inside, a tab, a line break: none can go into an HTTP header.
UNSENDABLE_TOKENS = ["grant€token", "grant token", "grant\ttoken", "grant\ntoken"]


@pytest.mark.parametrize("token", UNSENDABLE_TOKENS)
def test_a_token_that_cannot_go_into_a_header_is_a_form_error(client, admin_user, connection,
                                                               token):  # fmt: skip
    client.force_login(admin_user)
    url = reverse("admin:integration_connection_change", args=[connection.pk])
    page = client.post(url, connection_form(connection, new_grant_token=token))
    assert page.status_code == 200
    assert "Copy the token again from e-conomic" in page.content.decode()
    connection.refresh_from_db()
    assert connection.grant_token == GRANT_TOKEN


def test_a_stored_token_with_a_euro_sign_fails_the_test_with_the_fix(connection):
    connection.grant_token = "grant€token"
    connection.save()
    assert connection_test(connection=connection) is False
    connection.refresh_from_db()
    assert "paste the token again" in connection.test_error


def test_an_error_report_with_debug_on_shows_neither_token(settings):
    """A failure deep inside requests (here: a body that is not JSON) leaves frames whose locals
    hold the headers; the debug page and the admins' e-mail show none of them."""
    settings.DEBUG = True
    client = EconomicClient(rest_url="http://127.0.0.1:9", openapi_url="http://127.0.0.1:9",
                            app_secret_token=APP_TOKEN, grant_token=GRANT_TOKEN)  # fmt: skip
    with pytest.raises(TypeError):
        try:
            client.post("/customers", {"not json": object()})
        except TypeError:
            report = ExceptionReporter(None, *sys.exc_info())
            raise
    pages = report.get_traceback_html() + report.get_traceback_text()
    assert "requests" in pages and "headers" in pages  # the deep frames are in the report
    assert GRANT_TOKEN not in pages and APP_TOKEN not in pages


def test_replacing_the_token_resets_the_last_test(client, admin_user, connection):
    Connection = type(connection)
    Connection.objects.filter(pk=connection.pk).update(
        tested_at=timezone.now(), test_error="e-conomic refused the tokens (HTTP 401)"
    )
    client.force_login(admin_user)
    url = reverse("admin:integration_connection_change", args=[connection.pk])
    answer = client.post(url, connection_form(connection, new_grant_token="new-grant-token-1"))
    assert answer.status_code == 302
    connection.refresh_from_db()
    assert (connection.grant_token, connection.tested_at, connection.test_error) == (
        "new-grant-token-1", None, ""
    )  # fmt: skip


def test_gunicorn_under_make_run_logs_no_webhook_secret(tmp_path):
    """The config file run.sh starts gunicorn with, loaded as gunicorn loads it."""
    assert "--config config/gunicorn.conf.py" in (ROOT / "scripts/run.sh").read_text()
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "config/gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    log_file = tmp_path / "access.log"
    config.set("accesslog", str(log_file))
    config.set("errorlog", str(log_file))
    logger = config.logger_class(config)
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": WEBHOOK_PATH + "?event=invoice-booked",
               "PATH_INFO": WEBHOOK_PATH, "SERVER_PROTOCOL": "HTTP/1.1"}  # fmt: skip
    response = SimpleNamespace(status="200 OK", sent=6, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(0))
    logger.error("Error handling request %s", WEBHOOK_PATH)
    written = log_file.read_text()
    assert "/economic/webhooks/1/[secret]/" in written
    assert SECRET not in written


def test_the_console_log_never_writes_a_webhook_secret():
    console = next(each for each in logging.getLogger().handlers if each.get_name() == "console")
    stream = console.setStream(io.StringIO())
    try:
        logging.getLogger("integration.anything").warning("Called %s", WEBHOOK_PATH)
        written = console.stream.getvalue()
    finally:
        console.setStream(stream)
    assert "/economic/webhooks/1/[secret]/" in written and SECRET not in written

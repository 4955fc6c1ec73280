"""Fixtures for the hardening tests: a connection to the (not running) sandbox endpoint, and a
staff user in no group."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from integration.models import Connection

GRANT_TOKEN = "grant-token-that-must-never-leak-7f3a9c"
APP_TOKEN = "app-token-that-must-never-leak-2b8d41"


@pytest.fixture
def connection(db):
    return Connection.objects.create(
        name="Main agreement", endpoint="sandbox", grant_token=GRANT_TOKEN
    )


@pytest.fixture
def groupless_staff(db):
    return User.objects.create_user(username="staff", password="pw", is_staff=True)


def connection_form(connection: Connection, **changes) -> dict:
    """The connection's change form as the admin posts it."""
    return {
        "name": connection.name,
        "endpoint": connection.endpoint,
        "active": "on",
        "export_method": "draft",
        "number_policy": "keep_both",
        "field_policy": "fill_empty",
        "payment_sync": "full",
        "payments_since": "2026-11-01",
        "new_grant_token": "",
        **changes,
    }

"""Fixtures for the e-conomic side. Connections point at the sandbox when a test needs the wire;
tests of the mappings and the setup check fill the reference-data cache directly."""

from __future__ import annotations

import pytest
from django.utils import timezone

from integration.models import Connection, RemoteRecord

GRANT_TOKEN = "grant-token-that-must-never-leak-7f3a9c"


@pytest.fixture
def connection(db):
    return Connection.objects.create(
        name="Main agreement", endpoint="sandbox", grant_token=GRANT_TOKEN
    )


@pytest.fixture
def ready_connection(connection):
    """Tested and refreshed, as after the two set-up actions."""
    connection.tested_at = timezone.now()
    connection.reference_refreshed_at = timezone.now()
    connection.required_roles = ["SuperUser"]
    connection.modules = [{"number": 4, "name": "Projektstyring"}]
    connection.save()
    return connection


def remote(connection: Connection, kind: str, number, name: str = "", **data) -> RemoteRecord:
    """A cached e-conomic record, as a refresh would have stored it."""
    return RemoteRecord.objects.create(
        connection=connection,
        kind=kind,
        number=str(number),
        name=name or f"{kind} {number}",
        email=data.pop("email_field", ""),
        identification=data.pop("identification", ""),
        barred=data.get("barred", False),
        data=data,
        refreshed_at=timezone.now(),
    )


@pytest.fixture
def sandbox_connection(db, sandbox, settings):
    """A connection to the running sandbox's writable agreement, with the endpoint allowlist
    pointed at it (the sandbox listens on a free port)."""
    settings.ECONOMIC_ENDPOINTS = {
        **settings.ECONOMIC_ENDPOINTS,
        "sandbox": {
            **settings.ECONOMIC_ENDPOINTS["sandbox"],
            "rest_url": sandbox.base_url,
            "openapi_url": sandbox.base_url,
            "app_secret_token": sandbox.app_token,
        },
    }
    return Connection.objects.create(
        name="Sandbox", endpoint="sandbox", grant_token=sandbox.grant_token
    )


@pytest.fixture
def economic(sandbox_connection):
    """The product's client for the sandbox connection (its calls recorded as ApiCall rows)."""
    from integration.services.connections import connection_client

    return connection_client(connection=sandbox_connection, purpose="test")


def product_writes(sandbox, since: int = 0) -> list[dict]:
    """The write requests the sandbox received (its request log), control calls excluded."""
    return [entry for entry in sandbox.request_log(since) if entry["method"] != "GET"]

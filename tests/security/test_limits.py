"""Limits that hold across processes: the webhook's rate limit in the cache every process shares,
and the local sandbox offered only where a setting allows it."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.db import connection as database
from django.test import Client
from django.urls import reverse

from integration.services.connections import ConnectionNotReady, connection_client
from integration.services.payments import payment_webhook_create

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"


def _production_settings(monkeypatch, **environment) -> dict:
    """config/settings.py as a production process reads it, with these variables."""
    for name in ("REDIS_URL", "ECONOMIC_SANDBOX"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"DEBUG": "false", **environment}.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_production_keeps_the_cache_in_redis_or_the_database_and_offers_no_sandbox(monkeypatch):
    with_redis = _production_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/8")
    assert with_redis["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/8",
    }
    assert list(with_redis["ECONOMIC_ENDPOINTS"]) == ["economic"]
    without = _production_settings(monkeypatch, ECONOMIC_SANDBOX="true")
    assert without["CACHES"]["default"]["BACKEND"].endswith("DatabaseCache")
    assert list(without["ECONOMIC_ENDPOINTS"]) == ["economic", "sandbox"]


def test_the_webhook_counts_its_calls_where_every_web_process_reads_them(
    monkeypatch, settings, connection
):
    settings.CACHES = _production_settings(monkeypatch)["CACHES"]
    settings.ECONOMIC_PAYMENTS = {"webhooks_per_minute": 2}
    path = payment_webhook_create(connection=connection) + "?event=day-book-booked"
    answers = [Client().post(path).content for _ in range(3)]
    assert answers == [b"queued", b"queued", b"rate limited"]
    with database.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM ledger_bridge_cache WHERE cache_key LIKE %s",
                       [f"%economic-webhook:{connection.pk}:%"])  # fmt: skip
        assert len(cursor.fetchall()) == 1


def test_a_connection_to_a_sandbox_no_longer_offered_says_so(client, admin_user, settings,
                                                             connection):  # fmt: skip
    settings.ECONOMIC_ENDPOINTS = {"economic": settings.ECONOMIC_ENDPOINTS["economic"]}
    with pytest.raises(ConnectionNotReady, match="does not offer"):
        connection_client(connection=connection)
    client.force_login(admin_user)
    for url in (
        reverse("admin:integration_connection_change", args=[connection.pk]),
        reverse("admin:integration_connection_setup_check", args=[connection.pk]),
    ):
        assert client.get(url).status_code == 200

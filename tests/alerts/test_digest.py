"""Alerts: one item per problem until it is resolved, one digest an hour per connection, each
item with its fix and link."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from integration.models import Alert, AlertKind, Connection
from integration.services.alerts import alert_raise, alert_resolve, alerts_digest_send_all


@pytest.fixture
def connection(db):
    return Connection.objects.create(
        name="Nordlys", endpoint="sandbox", error_email="books@example.dk"
    )


def _raise(connection, key="import", text="The import stopped."):
    return alert_raise(
        connection=connection, kind=AlertKind.PAYMENT_IMPORT, key=key, text=text,
        fix="Paste a new token.", url="/admin/integration/paymentimport/7/change/",
    )  # fmt: skip


def test_the_same_problem_raised_twice_is_one_item_until_it_is_resolved(connection):
    first = _raise(connection)
    again = _raise(connection, text="The import stopped again.")
    assert again.pk == first.pk and Alert.objects.count() == 1
    assert Alert.objects.get().text == "The import stopped again."
    assert alert_resolve(connection=connection, kind=AlertKind.PAYMENT_IMPORT, key="import") == 1
    assert _raise(connection).pk != first.pk  # back after being resolved: a new item


def test_at_most_one_digest_an_hour_each_item_with_its_fix_and_link(connection, settings):
    settings.LEDGER_SITE_URL = "https://ledger.example.dk"
    _raise(connection, key="a", text="First problem.")
    assert alerts_digest_send_all() == 1
    _raise(connection, key="b", text="Second problem.")
    _raise(connection, key="a", text="First problem.")  # still open and told: not again
    assert alerts_digest_send_all() == 0  # within the hour: it waits
    Connection.objects.filter(pk=connection.pk).update(
        alerts_sent_at=timezone.now() - datetime.timedelta(minutes=61)
    )
    assert alerts_digest_send_all() == 1
    first, second = mail.outbox
    assert first.to == ["books@example.dk"] and "First problem." in first.body
    assert "Fix: Paste a new token." in first.body
    assert "https://ledger.example.dk/admin/integration/paymentimport/7/change/" in first.body
    assert "Second problem." in second.body and "First problem." not in second.body


def test_an_unknown_kind_is_refused_by_the_service_and_by_the_database(connection):
    with pytest.raises(ValueError, match="'overdraft' is not a valid AlertKind"):
        alert_raise(connection=connection, kind="overdraft", key="x", text="t", fix="f")
    with pytest.raises(IntegrityError):
        Alert.objects.create(connection=connection, kind="overdraft", key="x", text="t", fix="f")

"""The payments webhook takes any `invoice=` e-conomic or an attacker sends: a number it cannot
read is no server error, and the check it queues covers every exported invoice instead."""
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django_q.brokers import get_broker
from django_q.signing import SignedPackage

from integration.models import Connection
from integration.services.payments import payment_webhook_create


@pytest.fixture
def webhook_path(db):
    cache.clear()
    get_broker().purge_queue()
    connection = Connection.objects.create(name="Main", endpoint="sandbox", grant_token="grant")
    yield connection, payment_webhook_create(connection=connection)
    get_broker().purge_queue()


@pytest.mark.parametrize("invoice", ["²", "٣١", "9" * 40, "-31", "31\x00"])
def test_an_invoice_number_that_is_not_one_queues_a_check_of_every_invoice(
    client, webhook_path, django_capture_on_commit_callbacks, invoice
):
    connection, path = webhook_path
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{path}?{urlencode({'event': 'invoice-booked', 'invoice': invoice})}")
    assert answer.status_code == 200
    package = SignedPackage.loads(get_broker().dequeue()[0][1])
    assert package["args"] == (connection.pk, "webhook", [])  # no numbers: every invoice

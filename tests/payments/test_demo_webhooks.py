"""Demo only: `demo_connect --site-url` points the sandbox's webhooks at this site."""

import time

import pytest
from django.core.management import call_command
from django_q.brokers import get_broker

from integration.services.connections import connection_test
from integration.services.demo import demo_webhooks_register
from tests.payments.conftest import exported


@pytest.mark.django_db(transaction=True)
def test_a_payment_in_the_sandbox_calls_our_webhook_which_queues_an_import(
    paying, sandbox, live_server
):
    assert connection_test(connection=paying)
    get_broker().purge_queue()
    _invoice, number = exported(paying, sandbox)

    assert demo_webhooks_register(connection=paying, site_url=live_server.url) == 2
    assert demo_webhooks_register(connection=paying, site_url=live_server.url) == 2  # replaces
    hooks = sandbox.call_control("GET", f"/agreements/{sandbox.agreement_number}/webhooks")
    assert len(hooks["webhooks"] if isinstance(hooks, dict) else hooks) == 2

    since = max([0, *(entry["id"] for entry in sandbox.webhook_deliveries())])
    sandbox.register_payment(number, 250.0)
    deadline = time.monotonic() + 10
    while not [d for d in sandbox.webhook_deliveries(since) if d["status"] == "delivered"]:
        assert time.monotonic() < deadline, sandbox.webhook_deliveries(since)
        time.sleep(0.05)

    assert get_broker().queue_size() == 1
    get_broker().purge_queue()


def test_demo_connect_with_a_site_url_points_both_events_at_it(paying, sandbox, settings, capsys):
    settings.SANDBOX_DEMO_GRANT_TOKEN = sandbox.grant_token

    call_command("demo_connect", wait=0, site_url="http://127.0.0.1:8000")

    hooks = sandbox.call_control("GET", f"/agreements/{sandbox.agreement_number}/webhooks")
    hooks = hooks["webhooks"] if isinstance(hooks, dict) else hooks
    assert sorted(hook["event"] for hook in hooks) == ["Day book booked", "Invoice booked"]
    assert all(hook["url"].startswith("http://127.0.0.1:8000/integration/") for hook in hooks)
    assert "calls http://127.0.0.1:8000 on 2 events" in capsys.readouterr().out

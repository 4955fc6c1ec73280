"""The webhook e-conomic calls: authenticated by the secret in its URL, rate limited, and
queueing a check after commit."""

import datetime
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.html import escape
from django_q.brokers import get_broker
from django_q.models import Schedule

from accounts_app.models import Invoice
from integration.models import PaymentImport, PaymentWebhook, WebhookDelivery
from integration.services.payments import payment_webhook_create
from tests.exports.test_automatic_export import _cluster_environment
from tests.payments.conftest import exported, fresh


@pytest.fixture(autouse=True)
def empty_queue_and_rate(paying):
    cache.clear()
    get_broker().purge_queue()
    yield
    get_broker().purge_queue()


def queued() -> int:
    return get_broker().queue_size()


def test_a_wrong_secret_is_a_404_and_queues_nothing(
    client, paying, django_capture_on_commit_callbacks
):
    path = payment_webhook_create(connection=paying)
    wrong = path.replace(path.rstrip("/").rsplit("/", 1)[1], "not-the-secret")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer = client.post(wrong + "?event=day-book-booked")

    assert answer.status_code == 404
    assert (callbacks, queued()) == ([], 0)


def test_another_connections_secret_is_a_404(client, paying, django_capture_on_commit_callbacks):
    from integration.models import Connection

    other = Connection.objects.create(name="Other")
    secret = payment_webhook_create(connection=other).rstrip("/").rsplit("/", 1)[1]

    answer = client.post(f"/integration/economic/webhooks/{paying.pk}/{secret}/")

    assert answer.status_code == 404


def test_the_right_secret_queues_a_check_of_the_booked_invoice(
    client, paying, django_capture_on_commit_callbacks
):
    path = payment_webhook_create(connection=paying)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(path + "?event=invoice-booked&invoice=31")

    assert answer.status_code == 200
    assert queued() == 1
    task = get_broker().dequeue()[0][1]
    from django_q.signing import SignedPackage

    package = SignedPackage.loads(task)
    assert (package["func"], package["args"]) == (
        "integration.tasks.payments_import_task", (paying.pk, "webhook", [31]),
    )  # fmt: skip


def test_the_secret_is_stored_only_as_a_hash(paying):
    path = payment_webhook_create(connection=paying)
    secret = path.rstrip("/").rsplit("/", 1)[1]

    stored = PaymentWebhook.objects.get(connection=paying).secret_hash

    assert secret not in stored and len(stored) == 64 and len(secret) >= 40


def test_calls_past_the_rate_limit_queue_nothing(
    client, paying, settings, django_capture_on_commit_callbacks
):
    settings.ECONOMIC_PAYMENTS = {"webhooks_per_minute": 2}
    path = payment_webhook_create(connection=paying)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(path + "?event=day-book-booked") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200] * 4
    assert [answer.content for answer in answers][2:] == [b"rate limited"] * 2
    assert queued() == 2
    delivery = WebhookDelivery.objects.get(connection=paying)
    assert (delivery.event, delivery.outcome) == ("day-book-booked", "rate_limited")


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_payment_arrives_through_the_webhook_and_a_qcluster(
    paying, sandbox, live_server, tmp_path
):
    invoice, number = exported(paying, sandbox)
    path = payment_webhook_create(connection=paying)
    sandbox.add_webhook(
        "Day book booked", f"{live_server.url}{path}?event=day-book-booked&daybook=[DAYBOOKNO]"
    )
    # The one worker answers the webhook alone: no schedule (the sweep, the reference refresh)
    # that earlier tests left due runs first, so whatever moves the invoice is the webhook.
    Schedule.objects.all().delete()
    # At INFO the log a failure prints says whether the worker took and finished the task.
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"], cwd=django_settings.BASE_DIR,
        env={**os.environ, **_cluster_environment(sandbox), "LOG_LEVEL": "INFO"},
        stdout=open(tmp_path / "qcluster.log", "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        sandbox.register_payment(number, 250.0)
        deadline = time.monotonic() + 60
        while fresh(invoice).state != Invoice.State.PAID:
            assert time.monotonic() < deadline, (tmp_path / "qcluster.log").read_text()[-3000:]
            time.sleep(0.2)
    finally:
        cluster.terminate()
        cluster.wait(timeout=30)
    # Only the webhook rang: the daily schedule's next run is at 09:00.
    assert set(PaymentImport.objects.values_list("trigger", flat=True)) == {"webhook"}
    assert {delivery["responseStatus"] for delivery in sandbox.webhook_deliveries()} == {200}


def test_the_secret_never_reaches_the_request_log(client, paying, caplog):
    path = payment_webhook_create(connection=paying)
    secret = path.rstrip("/").rsplit("/", 1)[1]
    wrong = path.replace(secret, "guessed-secret")

    with caplog.at_level("INFO"):
        client.post(wrong)
        client.get(path.replace("/webhooks/", "/webhooks/") + "x/")

    assert "Not Found" in caplog.text
    assert "guessed-secret" not in caplog.text and secret not in caplog.text


def test_a_manager_confirms_then_gets_the_urls_to_give_e_conomic_once_and_they_work(
    client, manager, paying, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    changelist = "/admin/integration/connection/"
    asked = {"action": "create_webhook_urls", "_selected_action": [paying.pk]}
    confirmation = client.post(changelist, asked)
    assert "Yes, create new webhook URLs" in confirmation.content.decode()
    assert not PaymentWebhook.objects.filter(connection=paying).exists()

    page = client.post(changelist, {**asked, "confirmed": "yes"})

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    urls = dict(page.context["connections"])[paying]
    assert set(urls) == {"Invoice booked", "Day book booked"}
    assert "[INVOICENO]" in urls["Invoice booked"]
    assert escape(urls["Invoice booked"]) in page.content.decode()
    # e-conomic fills in the merge field and calls the URL.
    called = urls["Invoice booked"].replace("http://testserver", "").replace("[INVOICENO]", "31")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(called)
    assert (answer.status_code, queued()) == (200, 1)
    # Confirmed again: the first URL keeps working until its 24 hours are over.
    client.post(changelist, {**asked, "confirmed": "yes"})
    assert client.post(called).status_code == 200
    replaced = PaymentWebhook.objects.get(connection=paying, valid_until__isnull=False)
    assert replaced.valid_until - replaced.created_at > datetime.timedelta(hours=23, minutes=59)
    PaymentWebhook.objects.filter(pk=replaced.pk).update(valid_until=timezone.now())
    assert client.post(called).status_code == 404


def test_the_connection_page_shows_the_last_delivery_per_event_and_no_secret(
    client, manager, paying, django_capture_on_commit_callbacks
):
    old_path = payment_webhook_create(connection=paying)
    new_path = payment_webhook_create(connection=paying)
    client.force_login(manager)
    change_page = f"/admin/integration/connection/{paying.pk}/change/"
    assert "Invoice booked: no call yet." in client.get(change_page).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(old_path + "?event=day-book-booked&daybook=1")
        client.post(new_path + "?event=invoice-booked&invoice=31")
    page = client.get(change_page).content.decode()

    assert "Day book booked: " in page and "Invoice booked: " in page
    assert page.count("Payment check queued") == 2
    assert page.count("through replaced URLs: put the new ones into e-conomic") == 1
    assert "Current URLs, created" in page and "Replaced URLs, created" in page
    for path in (old_path, new_path):
        assert path.rstrip("/").rsplit("/", 1)[1] not in page


def test_a_deleted_connection_leaves_no_schedule_and_no_webhook(client, paying):
    from integration.models.connection import PaymentSync
    from integration.services.payments import payment_schedule_name, payment_schedules_sync
    from integration.tasks import payments_import_task

    paying.payment_sync = PaymentSync.FULL
    paying.save()
    path = payment_webhook_create(connection=paying)
    name, paying_id = payment_schedule_name(connection=paying), paying.pk
    assert Schedule.objects.filter(name=name).exists()

    paying.delete()

    assert not Schedule.objects.filter(name=name).exists()
    assert not PaymentWebhook.objects.exists()
    assert client.post(path).status_code == 404
    # A check the webhook queued before the deletion finds nothing to do, and says so.
    assert payments_import_task(paying_id, "webhook") == (
        f"Skipped: connection {paying_id} no longer exists."
    )
    # One left behind by an earlier version goes after the next migrate.
    Schedule.objects.create(name=name, func="integration.tasks.payments_import_task")
    payment_schedules_sync()
    assert not Schedule.objects.filter(name=name).exists()


def test_a_clerk_cannot_create_webhook_urls(client, clerk, paying):
    client.force_login(clerk)
    client.post(
        "/admin/integration/connection/",
        {"action": "create_webhook_urls", "_selected_action": [paying.pk]},
    )

    assert not PaymentWebhook.objects.filter(connection=paying).exists()

"""The health endpoint: a verdict for anyone, the reasons for staff only; a worker not seen
fails it and tells the error address, since no worker can."""

import datetime
import json

import pytest
from django.core import mail
from django.utils import timezone

from integration.models import Alert, AlertKind, Connection, ExportJob, JobState
from integration.tasks import worker_heartbeat_task


@pytest.fixture
def connection(db):
    return Connection.objects.create(
        name="Nordlys", endpoint="sandbox", grant_token="grant-never-shown-41c2",
        error_email="books@example.dk",
    )  # fmt: skip


def test_anyone_gets_the_verdict_alone_and_staff_the_reasons(client, admin_client, connection):
    worker_heartbeat_task()
    answer = client.get("/health/")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
    past = timezone.now() - datetime.timedelta(minutes=5)
    ExportJob.objects.create(
        connection=connection, kind="invoice", object_id=1, key="k-1", reference="r-1",
        not_before=past, state=JobState.IN_FLIGHT, lease_until=past,
    )  # fmt: skip
    answer = client.get("/health/", HTTP_ACCEPT="application/json")
    assert (answer.status_code, answer.json()) == (500, {"status": "failing"})
    answer = admin_client.get("/health/", HTTP_ACCEPT="application/json")
    reasons = answer.json()
    assert answer.status_code == 500 and reasons["Database(alias='default')"] == "OK"
    assert reasons["NoJobPastLease()"] == (
        "Unavailable: In flight past their lease: 1 export jobs, 0 payment imports."
    )
    assert "grant-never-shown-41c2" not in json.dumps(reasons)
    page = admin_client.get("/health/", HTTP_ACCEPT="text/html")
    assert page.status_code == 500 and b"In flight past their lease" in page.content


def test_a_worker_not_seen_fails_the_check_and_tells_the_error_address(client, connection):
    assert client.get("/health/").status_code == 500
    [alert] = Alert.objects.filter(resolved=None)
    assert alert.kind == AlertKind.WORKER_NOT_SEEN and "qcluster" in alert.fix
    [message] = mail.outbox  # sent from the request: no worker is there to send it
    assert message.to == ["books@example.dk"] and "No task worker has run" in message.body
    worker_heartbeat_task()
    assert not Alert.objects.filter(resolved=None).exists()
    assert client.get("/health/").status_code == 200

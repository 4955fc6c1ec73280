"""A finance clerk uses the mapping screens; only a manager changes a connection."""

import pytest
from django.urls import reverse

MAPPING_SCREENS = [
    "servicetypemapping", "vatcodepairing", "paymentconditionpairing", "salesaccountmapping",
    "customerlink",
]  # fmt: skip


@pytest.mark.parametrize("model", MAPPING_SCREENS)
def test_a_clerk_can_open_and_add_on_every_mapping_screen(client, clerk, connection, model):
    client.force_login(clerk)
    assert client.get(reverse(f"admin:integration_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:integration_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", ["connection", "remoterecord", "apicall"])
def test_a_clerk_can_look_at_connections_reference_data_and_calls(client, clerk, connection, model):
    client.force_login(clerk)
    assert client.get(reverse(f"admin:integration_{model}_changelist")).status_code == 200


def test_a_clerk_cannot_change_or_add_a_connection(client, clerk, connection):
    client.force_login(clerk)
    change = reverse("admin:integration_connection_change", args=[connection.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="new_grant_token"' not in page.content.decode()  # read-only view
    assert client.post(change, {"name": "Hijacked"}).status_code == 403
    assert client.get(reverse("admin:integration_connection_add")).status_code == 403
    connection.refresh_from_db()
    assert connection.name == "Main agreement"


def test_a_manager_can_change_a_connection(client, manager, connection):
    client.force_login(manager)
    page = client.get(reverse("admin:integration_connection_change", args=[connection.pk]))
    assert 'name="new_grant_token"' in page.content.decode()


def test_a_clerk_can_open_the_setup_check(client, clerk, connection):
    client.force_login(clerk)
    page = client.get(reverse("admin:integration_connection_setup_check", args=[connection.pk]))
    assert page.status_code == 200
    assert "not_tested" in page.content.decode()


def test_the_task_queue_admin_is_for_superusers_only(client, manager):
    client.force_login(manager)
    assert client.get(reverse("admin:django_q_schedule_changelist")).status_code == 403

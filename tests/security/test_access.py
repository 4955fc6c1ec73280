"""Staff status opens the admin, not the ledger's money: each view needs its permission."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from integration.models import ExportRun


@pytest.fixture
def run(connection):
    return ExportRun.objects.create(connection=connection, method="draft", selection="2 invoices")


def test_the_home_page_shows_the_money_only_to_those_who_may_view_the_ledger(
    client, groupless_staff, clerk
):
    client.force_login(groupless_staff)
    assert 'id="payments-dashboard"' not in client.get(reverse("admin:index")).content.decode()
    client.force_login(clerk)
    assert 'id="open-amount"' in client.get(reverse("admin:index")).content.decode()


def test_a_runs_status_needs_the_view_permission(client, groupless_staff, run):
    url = reverse("admin:integration_exportrun_status", args=[run.pk])
    client.force_login(groupless_staff)
    assert client.get(url).status_code == 403
    groupless_staff.user_permissions.add(Permission.objects.get(codename="view_exportrun"))
    assert client.get(url).json()["total"] == 0

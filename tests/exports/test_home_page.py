"""The home page shows each connection's work, every figure a link to the list behind it."""

import re

from django.contrib.auth.models import User
from django.urls import reverse

from accounts_app.models import Invoice
from integration.services.exports import export_process, export_run_start
from tests.exports.conftest import make_invoice


def _cell(html: str, name: str) -> str:
    found = re.search(rf'<td class="{name}">(.*?)</td>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""


def test_the_home_page_shows_each_connections_work_with_links(client, clerk, exporting, sandbox):
    drafted, failed, _waiting = make_invoice(), make_invoice(), make_invoice()
    export_process(connection=exporting, run=export_run_start(
        connection=exporting, invoices=Invoice.objects.filter(pk=drafted.pk)))  # fmt: skip
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=failed.pk))
    sandbox.revoke()
    export_process(connection=exporting, run=run)
    queued = export_run_start(connection=exporting, invoices=Invoice.objects.filter(
        pk__in=[_waiting.pk]))  # fmt: skip
    client.force_login(clerk)

    html = client.get(reverse("admin:index")).content.decode()

    assert _cell(html, "not-exported") == "2 invoices"  # the failed one and the queued one
    assert _cell(html, "needs-person") == "2 jobs"  # the refused customer and its invoice
    assert _cell(html, "drafts-waiting") == "1 draft to book there"
    assert f"Run {queued.pk}" in _cell(html, "runs") and "0 done, 0 failed of 1" in html
    assert _cell(html, "setup").startswith("ready to export")
    assert _cell(html, "findings") == "0 open findings"
    assert "calls today" in _cell(html, "budget")
    assert '?economic=not_exported"' in html and '&amp;state__in=failed,dead"' in html
    listed = client.get(reverse("admin:integration_exportjob_changelist"),
                        {"connection__id__exact": exporting.pk, "state__in": "failed,dead"})  # fmt: skip
    assert listed.status_code == 200 and listed.context["cl"].result_count == 2


def test_staff_without_a_group_sees_no_work_and_no_money(client, db):
    user = User.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "work-dashboard" not in html and "payments-dashboard" not in html

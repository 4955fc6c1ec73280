"""The audit trail: who changed a connection (never its token), an invoice's finalization and
credit; read-only in the admin, so nothing there changes an issued invoice."""

import importlib
import json

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.forms.models import model_to_dict

from accounts_app.models import Invoice
from accounts_app.services import invoice_credit, invoice_finalize
from integration.admin.forms import ConnectionForm
from tests.ledger.factories import InvoiceFactory, InvoiceLineFactory

SECRET = "grant-token-that-must-never-leak-7f3a9c"
audit_permissions = importlib.import_module(
    "integration.migrations.0024_alert_and_audit_permissions"
)


def _entries_text() -> str:
    return json.dumps(list(LogEntry.objects.values()), default=str)


def test_a_connection_change_names_who_made_it_and_never_the_token(admin_client, connection):
    data = {
        key: value for key, value in model_to_dict(connection, ConnectionForm.Meta.fields).items()
        if value is not None
    }  # fmt: skip
    data.update(name="Renamed agreement", new_grant_token="a-new-grant-token-5be1")
    answer = admin_client.post(f"/admin/integration/connection/{connection.pk}/change/", data)
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    entry = LogEntry.objects.get_for_object(connection).latest("timestamp")
    assert entry.actor == User.objects.get(username="admin")
    changes = entry.changes_dict
    assert changes["name"] == ["Main agreement", "Renamed agreement"]
    assert changes["grant_token"] == ["(set, hidden)", "(set, hidden)"]
    stored = connection.__class__.objects.filter(pk=connection.pk).values_list(
        "grant_token", flat=True
    )  # fmt: skip
    for secret in (SECRET, "a-new-grant-token-5be1", *stored):
        assert secret not in _entries_text()


def test_finalizing_and_crediting_are_in_the_trail_which_cannot_change_them(client, manager):
    audit_permissions.grant(django_apps, schema_editor=None)  # as the migration does
    clerk = User.objects.create_user("clerk", is_staff=True)
    invoice = InvoiceLineFactory(invoice=InvoiceFactory()).invoice
    with set_actor(clerk):
        invoice = invoice_finalize(invoice=invoice)
        invoice_credit(invoice=invoice)
    states = [
        entry.changes_dict["state"]
        for entry in LogEntry.objects.get_for_object(invoice).order_by("timestamp", "pk")
        if "state" in entry.changes_dict and entry.action == LogEntry.Action.UPDATE
    ]  # fmt: skip
    assert states == [["draft", "finalized"], ["finalized", "credited"]]
    entry = LogEntry.objects.get_for_object(invoice).latest("timestamp")
    assert entry.actor == clerk
    client.force_login(manager)
    assert client.get("/admin/auditlog/logentry/").status_code == 200
    page = f"/admin/auditlog/logentry/{entry.pk}"
    assert client.post(f"{page}/change/", {"changes": "{}"}).status_code == 403
    assert client.post(f"{page}/delete/", {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    assert Invoice.objects.get(pk=invoice.pk).state == "credited"

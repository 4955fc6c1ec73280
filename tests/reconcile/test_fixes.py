"""Each fix a person takes on a finding, one click in the admin: the finding closes when the fix
settles it, or when the next run finds e-conomic in agreement; no fix changes an issued
invoice."""

from django.urls import reverse

from accounts_app.models import Invoice
from integration.models import (
    Alert,
    AlertKind,
    CustomerLink,
    FindingKind,
    InvoiceExport,
    ReconcileFinding,
)
from integration.models.connection import ExportMethod
from integration.models.exports import ExportRun
from integration.services.exports import export_process
from tests.reconcile.conftest import export_of, exported, person, reconciled

CHANGELIST = reverse("admin:integration_reconcilefinding_changelist")


def click(admin_client, action: str, *findings: ReconcileFinding):
    answer = admin_client.post(CHANGELIST, {"action": action, "_selected_action": [
        finding.pk for finding in findings]})  # fmt: skip
    assert answer.status_code == 302, answer.content[:500]


def finding(kind: str, invoice=None) -> ReconcileFinding:
    found = ReconcileFinding.objects.filter(kind=kind, state="open")
    return found.get(invoice=invoice) if invoice is not None else found.get()


def issued(invoices) -> list[tuple]:
    fields = ("pk", *Invoice.LOCKED_FIELDS)
    return list(Invoice.objects.filter(pk__in=[i.pk for i in invoices]).values_list(*fields))


def test_each_fix_settles_its_finding_and_no_issued_invoice_changes(
    reconciling, sandbox, admin_client
):
    edited, deleted, booked, card, lost = exported(reconciling, ExportMethod.DRAFT, count=5)
    [paid] = exported(reconciling, ExportMethod.BOOKED)
    before = issued([edited, deleted, booked, card, lost, paid])
    old_draft = export_of(edited).draft_number
    person(sandbox, "PUT", f"/drafts/{old_draft}/lines/1", {"unitNetPrice": 120})
    person(sandbox, "DELETE", f"/drafts/{export_of(deleted).draft_number}")
    booked_number = person(sandbox, "POST", f"/drafts/{export_of(booked).draft_number}/book")[
        "bookedInvoiceNumber"
    ]
    card_number = CustomerLink.objects.get(customer=card.customer).remote_number
    person(sandbox, "PUT", f"/customers/{card_number}", {"name": "Renamed A/S"})
    lost_draft = export_of(lost).draft_number
    InvoiceExport.objects.filter(invoice=lost).delete()  # our record of it lost
    payments = f"/agreements/{sandbox.agreement_number}/payments"
    sandbox.call_control("POST", payments, {"bookedInvoiceNumber": export_of(paid).booked_number,
                                            "amount": 50})  # fmt: skip
    reconciled(reconciling)

    click(admin_client, "reexport", finding(FindingKind.TOTALS, edited),
          finding(FindingKind.DRAFT_DELETED, deleted))  # fmt: skip
    for run in ExportRun.objects.filter(selection__startswith="Re-export"):
        export_process(connection=reconciling, run=run)
    click(
        admin_client, "accept", finding(FindingKind.DRAFT_BOOKED), finding(FindingKind.CARD_CHANGED)
    )
    click(admin_client, "relink", finding(FindingKind.NOT_OURS))
    click(admin_client, "mark_handled", finding(FindingKind.REMAINDER))
    assert ReconcileFinding.objects.filter(state="open").count() == 2  # the re-exports wait

    run = reconciled(reconciling)

    assert (run.found, ReconcileFinding.objects.filter(state="open").count()) == (1, 0)  # handled
    assert run.agreed == 2
    assert export_of(edited).draft_number != old_draft
    assert sandbox.get(f"/invoices/drafts/{old_draft}").status_code == 404
    assert export_of(booked).booked_number == booked_number
    assert export_of(lost).draft_number == lost_draft
    card.customer.refresh_from_db()
    assert card.customer.name == "Renamed A/S"
    assert issued([edited, deleted, booked, card, lost, paid]) == before
    # Everything fixed or handled: the connection's alert is resolved.
    assert not Alert.objects.filter(kind=AlertKind.RECONCILIATION, resolved=None).exists()
    assert Alert.objects.filter(kind=AlertKind.RECONCILIATION).exists()

    sandbox.call_control("POST", payments, {"bookedInvoiceNumber": export_of(paid).booked_number,
                                            "amount": 25})  # fmt: skip
    reconciled(reconciling)
    assert finding(FindingKind.REMAINDER).theirs == {"remainder": "175.00"}  # a new difference


def test_a_fix_that_does_not_apply_is_refused_with_what_does(reconciling, sandbox, admin_client):
    [invoice] = exported(reconciling, ExportMethod.BOOKED)
    sandbox.call_control("POST", f"/agreements/{sandbox.agreement_number}/payments",
                         {"bookedInvoiceNumber": export_of(invoice).booked_number, "amount": 50})  # fmt: skip
    reconciled(reconciling)
    answer = admin_client.post(CHANGELIST, {"action": "reexport", "_selected_action": [
        finding(FindingKind.REMAINDER).pk]}, follow=True)  # fmt: skip
    assert "Re-export does not apply" in answer.content.decode()
    assert "it takes: Accept e-conomic&#x27;s state, Mark handled." in answer.content.decode()
    assert finding(FindingKind.REMAINDER).state == "open"
    connections = admin_client.get(reverse("admin:integration_connection_changelist"))
    assert (
        f'?connection__id__exact={reconciling.pk}">1 open finding</a>'
        in connections.content.decode()
    )

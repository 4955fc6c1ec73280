"""Each drift a person makes in e-conomic is found once, with both sides, and a second run
updates the finding rather than adding another; a ledger in agreement has none."""

import datetime

from django.utils import timezone

from integration.models import Alert, AlertKind, CustomerLink, FindingKind, ReconcileFinding
from integration.models.connection import ExportMethod
from integration.services.reconcile import findings_open
from tests.exports.conftest import make_customer
from tests.reconcile.conftest import export_of, exported, person, reconciled


def test_a_ledger_in_agreement_has_no_finding_and_costs_three_calls(reconciling, sandbox):
    exported(reconciling, ExportMethod.DRAFT)
    exported(reconciling, ExportMethod.BOOKED)
    run = reconciled(reconciling)
    assert (run.documents, run.found, run.api_calls, run.budget) == (2, 0, 3, 11)
    assert findings_open(connection=reconciling) == {}
    assert not Alert.objects.filter(kind=AlertKind.RECONCILIATION).exists()


def test_every_drift_is_found_once_and_a_second_run_updates_it(reconciling, sandbox):
    edited, deleted, booked, card = exported(reconciling, ExportMethod.DRAFT, count=4)
    [paid] = exported(reconciling, ExportMethod.BOOKED)
    person(
        sandbox, "PUT", f"/drafts/{export_of(edited).draft_number}/lines/1", {"unitNetPrice": 120}
    )
    person(sandbox, "DELETE", f"/drafts/{export_of(deleted).draft_number}")
    person(sandbox, "POST", f"/drafts/{export_of(booked).draft_number}/book")
    card_number = CustomerLink.objects.get(customer=card.customer).remote_number
    person(sandbox, "PUT", f"/customers/{card_number}", {"name": "Renamed A/S", "city": ""})
    sandbox.call_control(
        "POST",
        f"/agreements/{sandbox.agreement_number}/payments",
        {"bookedInvoiceNumber": export_of(paid).booked_number, "amount": 50},
    )
    stray = {**sandbox.get(f"/invoices/drafts/{export_of(card).draft_number}").json()}
    stray = {
        key: stray[key]
        for key in (
            "date",
            "currency",
            "customer",
            "layout",
            "paymentTerms",
            "recipient",
            "references",
        )
    }
    stray["references"] = {"other": stray["references"]["other"].replace("-INV-", "-INV-9")}
    stray_number = sandbox.post("/invoices/drafts", json=stray).json()["draftInvoiceNumber"]

    run = reconciled(reconciling)

    found = {
        (finding.kind, finding.document): finding
        for finding in ReconcileFinding.objects.filter(state="open")
    }
    assert set(found) == {
        (FindingKind.TOTALS, f"invoice {edited.pk}"),
        (FindingKind.DRAFT_DELETED, f"invoice {deleted.pk}"),
        (FindingKind.DRAFT_BOOKED, f"invoice {booked.pk}"),
        (FindingKind.CARD_CHANGED, f"card {card_number}"),
        (FindingKind.REMAINDER, f"invoice {paid.pk}"),
        (FindingKind.NOT_OURS, f"draft {stray_number}"),
    }
    totals = found[(FindingKind.TOTALS, f"invoice {edited.pk}")]
    assert (totals.ours["gross"], totals.theirs["gross"]) == ("250.00", "300.00")
    assert found[(FindingKind.REMAINDER, f"invoice {paid.pk}")].theirs == {"remainder": "200.00"}
    renamed = found[(FindingKind.CARD_CHANGED, f"card {card_number}")]
    assert renamed.theirs == {"name": "Renamed A/S", "city": ""}
    assert run.found == 6 and run.api_calls <= run.budget

    again = reconciled(reconciling)
    assert ReconcileFinding.objects.count() == 6
    assert ReconcileFinding.objects.filter(state="open", run=again).count() == 6
    assert len(findings_open()[reconciling.pk]) == 6
    # One item for the connection's error address, not one per run.
    [alert] = Alert.objects.filter(kind=AlertKind.RECONCILIATION, resolved=None)
    assert alert.text == "6 differences between the ledger and e-conomic are open."
    assert alert.url.endswith(f"?connection__id__exact={reconciling.pk}")


def test_a_card_that_differed_before_we_linked_it_is_no_change_there(reconciling, sandbox):
    customer = make_customer(name="Not Horsens Kommune")
    CustomerLink.objects.create(
        connection=reconciling, customer=customer, state="linked", remote_number=1
    )
    # Linked after e-conomic last stamped the card (the seed's card 1, stamped at the reset).
    later = timezone.now() + datetime.timedelta(seconds=1)
    CustomerLink.objects.filter(customer=customer).update(updated_at=later)
    run = reconciled(reconciling)
    assert (run.found, run.api_calls) == (0, 3)

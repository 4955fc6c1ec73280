"""Customers pushed as they change (Moment's: created at once, updated on change)."""

import tablib

from accounts_app.models import Customer
from accounts_app.resources import CustomerResource
from integration.models import CustomerLink, ExportJob, JobState
from integration.models.mappings import CustomerLinkState
from integration.tasks import export_job_task
from tests.exports.conftest import make_customer, remote_writes
from tests.ledger.factories import PaymentConditionFactory


def _push(connection, policy="fill_empty"):
    connection.push_on_change, connection.field_policy = True, policy
    connection.save()


def _send_all():
    for job in ExportJob.objects.exclude(state=JobState.DONE).order_by("revision"):
        export_job_task(job.pk)


def test_a_new_customer_gets_its_card_and_a_change_updates_it(exporting, sandbox):
    _push(exporting, policy="overwrite")
    customer = make_customer(name="Havnens Is ApS", email="is@havn.dk")
    _send_all()
    link = CustomerLink.objects.get(customer=customer)
    assert link.state == CustomerLinkState.LINKED
    customer.city = "Esbjerg"
    customer.save()
    since = sandbox.last_request_id()
    _send_all()
    assert [entry["method"] for entry in remote_writes(sandbox, since)] == ["PUT"]
    card = sandbox.get(f"/customers/{link.remote_number}").json()
    assert card["city"] == "Esbjerg" and card["name"] == "Havnens Is ApS"
    assert ExportJob.objects.filter(object_id=customer.pk).count() == 2


def test_fill_empty_keeps_what_the_bookkeeper_typed_in_economic(exporting, sandbox):
    _push(exporting)
    customer = make_customer(name="Bådebyggeriet")
    _send_all()
    number = CustomerLink.objects.get(customer=customer).remote_number
    card = sandbox.get(f"/customers/{number}").json()
    sandbox.put(f"/customers/{number}", json={**card, "city": "Typed in e-conomic"})
    customer.city, customer.email = "Ours", "new@example.dk"
    customer.save()
    _send_all()
    card = sandbox.get(f"/customers/{number}").json()
    assert card["city"] == "Typed in e-conomic" and card["email"] == "new@example.dk"


def test_saves_before_the_card_exists_never_make_a_second_card(exporting, sandbox):
    _push(exporting)
    customer = make_customer(name="Dobbelt ApS")
    customer.save()
    customer.save()
    _send_all()
    _send_all()
    cards = sandbox.get("/customers", params={"filter": "name$eq:Dobbelt ApS"}).json()
    assert len(cards["collection"]) == 1
    assert set(ExportJob.objects.values_list("state", flat=True)) == {JobState.DONE}


def test_nothing_is_pushed_when_push_on_change_is_off(exporting):
    make_customer()
    assert not ExportJob.objects.exists()


def test_customers_imported_from_a_file_are_queued_like_saved_ones(exporting):
    _push(exporting)
    PaymentConditionFactory(name="Net 30", days=30)
    headers = ["number", "kind", "name", "country", "currency", "payment_condition"]
    rows = tablib.Dataset((801, "company", "Kajen ApS", "DK", "DKK", "Net 30"),
                          (802, "person", "Mette Holm", "DK", "DKK", "Net 30"), headers=headers)
    result = CustomerResource().import_data(rows, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    jobs = ExportJob.objects.filter(connection=exporting, kind="customer")
    assert sorted(jobs.values_list("object_id", flat=True)) == sorted(
        Customer.objects.values_list("pk", flat=True)
    )

"""Connection test, reference refresh, filters and ids against the sandbox over HTTP."""
from integration.economic import filters
from integration.models import ApiCall, RemoteKind, RemoteRecord
from integration.services.connections import connection_test
from integration.services.reference import reference_refresh

A_CUSTOMER = {
    "currency": "DKK", "customerGroup": {"customerGroupNumber": 1},
    "paymentTerms": {"paymentTermsNumber": 1}, "vatZone": {"vatZoneNumber": 1},
}  # fmt: skip
HOSTILE = "Müller & Søn (A/S) *50%*"


def test_test_connection_stores_what_the_agreement_is(sandbox_connection):
    assert connection_test(connection=sandbox_connection)
    sandbox_connection.refresh_from_db()
    assert sandbox_connection.agreement_number == 9000001
    assert sandbox_connection.company_name == "Sandbox Consulting ApS"
    assert sandbox_connection.base_currency == "DKK"
    assert sandbox_connection.has_module("Projektstyring")
    assert sandbox_connection.required_roles
    assert sandbox_connection.test_error == ""


def test_test_connection_keeps_the_reason_of_a_refusal(sandbox_connection, sandbox):
    sandbox.revoke()
    assert not connection_test(connection=sandbox_connection)
    sandbox_connection.refresh_from_db()
    assert "HTTP 401" in sandbox_connection.test_error
    assert sandbox_connection.agreement_number is None


def test_a_refresh_caches_every_kind_and_counts_its_calls(sandbox_connection, economic, sandbox):
    since = sandbox.last_request_id()
    result = reference_refresh(connection=sandbox_connection, client=economic)
    for kind in RemoteKind.values:
        assert result.counts[kind] > 0, kind
        assert RemoteRecord.objects.filter(kind=kind, present=True).count() == result.counts[kind]
    assert result.api_calls == len(sandbox.request_log(since)) == ApiCall.objects.count()
    group = RemoteRecord.objects.filter(kind=RemoteKind.PRODUCT_GROUP).first()
    assert group.data["salesAccounts"], "each product group carries its sales accounts"


def test_a_second_refresh_updates_in_place_and_flags_what_is_gone(sandbox_connection, economic, sandbox):
    created = sandbox.post("/customers", json={**A_CUSTOMER, "name": "Soon Gone"}).json()
    reference_refresh(connection=sandbox_connection, client=economic)
    record = RemoteRecord.objects.get(kind=RemoteKind.CUSTOMER, number=str(created["customerNumber"]))
    sandbox.delete(f"/customers/{created['customerNumber']}")
    reference_refresh(connection=sandbox_connection, client=economic)
    record.refresh_from_db()  # the same row: mappings pointing at it survive
    assert not record.present


def test_filters_with_hostile_names_find_exactly_the_name(economic, sandbox):
    for name in (HOSTILE, "Müller & Søn", "Müller & Søn (A/S) 50%"):
        assert sandbox.post("/customers", json={**A_CUSTOMER, "name": name}).status_code == 201
    assert [c["name"] for c in economic.customers_find(filters.eq("name", HOSTILE))] == [HOSTILE]
    liked = economic.customers_find(filters.like("name", "(A/S) *50"))
    assert [c["name"] for c in liked] == [HOSTILE]
    either = filters.eq("name", HOSTILE) | filters.eq("name", "Müller & Søn")
    assert sorted(c["name"] for c in economic.customers_find(either)) == ["Müller & Søn", HOSTILE]


def test_product_numbers_with_special_characters_round_trip(economic, sandbox):
    number = "Cons/Std_1 5%:#"
    body = {"productNumber": number, "name": "Consulting", "productGroup": {"productGroupNumber": 1}}
    assert sandbox.post("/products", json=body).status_code == 201
    assert economic.product_get(number)["productNumber"] == number


def test_a_clerk_refreshes_pairs_and_matches_from_the_connection_list(client, clerk, sandbox_connection):
    from django.urls import reverse

    from integration.models import PaymentConditionPairing
    from tests.ledger.factories import PaymentConditionFactory

    PaymentConditionFactory(name="Net 8", kind="net", days=8)
    client.force_login(clerk)
    url = reverse("admin:integration_connection_changelist")
    said = []
    for action in ("refresh_reference_data", "pair_payment_conditions", "auto_match_customers"):
        answer = client.post(url, {"action": action, "_selected_action": [sandbox_connection.pk]},
                             follow=True)
        assert answer.status_code == 200
        said.append([str(message) for message in answer.context["messages"]])
    # The refresh counts what it read as a person says it.
    assert " 4 VAT zones, " in said[0][0] and " 6 currencies in " in said[0][0]
    messages = said[-1]
    assert any("linked" in message for message in messages)
    assert RemoteRecord.objects.filter(kind=RemoteKind.LAYOUT).exists()
    assert PaymentConditionPairing.objects.get().payment_terms.data["daysOfCredit"] == 8


def test_the_daily_refresh_schedule_is_created_once_by_name(db):
    from django_q.models import Schedule

    from integration.global_schedules import REFERENCE_REFRESH, schedules_ensure

    schedules_ensure()
    schedules_ensure()
    schedule = Schedule.objects.get(name=REFERENCE_REFRESH)
    assert (schedule.func, schedule.cron) == ("integration.tasks.reference_refresh_all_task", "0 6 * * *")

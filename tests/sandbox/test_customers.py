"""Customers (REFERENCE §2.1): create, read, replace, patch, delete, and e-conomic's errors."""
import pytest

from tests.sandbox.conftest import A_CUSTOMER, error_codes, recorded, schema_errors, without_false


def create(sandbox, **changes):
    return sandbox.post("/customers", json={**A_CUSTOMER, **changes})


def test_creating_a_customer_assigns_the_next_number_and_answers_201_with_location(sandbox):
    answer = create(sandbox)
    body = answer.json()
    assert answer.status_code == 201
    assert body["customerNumber"] == 3  # the seed holds 1 and 2
    assert answer.headers["Location"] == sandbox.url("/customers/3") == body["self"]
    assert (body["balance"], body["dueAmount"]) == (0.0, 0.0)


def test_the_created_customer_has_the_recorded_keys_and_validates(sandbox):
    body = create(sandbox).json()
    recorded_keys = set(without_false(recorded("create_customer.json")))
    assert set(body) == recorded_keys | {"email"}
    assert body["customerGroup"] == {"customerGroupNumber": 1,
                                     "self": sandbox.url("/customer-groups/1")}
    assert schema_errors(body, "customers.customerNumber.get") == []


def test_a_chosen_customer_number_is_kept_and_the_series_skips_past_it(sandbox):
    assert create(sandbox, customerNumber=500).json()["customerNumber"] == 500
    assert create(sandbox).json()["customerNumber"] == 501


def test_a_customer_number_in_use_is_refused(sandbox):
    answer = create(sandbox, customerNumber=1)
    assert answer.status_code == 400
    assert error_codes(answer.json()) == ["E06010"]


def test_references_can_be_given_by_self_link(sandbox):
    group = {"self": sandbox.url("/customer-groups/2")}
    body = create(sandbox, customerGroup=group).json()
    assert body["customerGroup"]["customerGroupNumber"] == 2


def test_an_unknown_customer_group_is_e07140(sandbox):
    answer = create(sandbox, customerGroup={"customerGroupNumber": 99})
    body = answer.json()
    assert answer.status_code == 400
    assert body["errorCode"] == "E04300"
    error = body["errors"]["customerGroup"]["errors"][0]
    assert error["errorCode"] == "E07140"
    assert error["errorMessage"] == "CustomerGroup '99' not found."


@pytest.mark.parametrize("change, property_name", [
    ({"currency": "XYZ"}, "currency"),
    ({"paymentTerms": {"paymentTermsNumber": 99}}, "paymentTerms"),
    ({"vatZone": {"vatZoneNumber": 9}}, "vatZone"),
    ({"layout": {"layoutNumber": 99}}, "layout"),
])
def test_an_unknown_reference_is_e06000(sandbox, change, property_name):
    body = create(sandbox, **change).json()
    assert list(body["errors"]) == [property_name]
    assert error_codes(body) == ["E06000"]


def test_every_unknown_reference_is_reported_at_once(sandbox):
    body = create(sandbox, currency="XYZ", vatZone={"vatZoneNumber": 9}).json()
    assert body["errorCount"] == 2


def test_a_customer_without_a_name_fails_schema_validation(sandbox):
    document = {key: value for key, value in A_CUSTOMER.items() if key != "name"}
    answer = sandbox.post("/customers", json=document)
    assert answer.status_code == 400
    assert answer.json()["errorCode"] == "E04300"
    assert "name" in answer.json()["errors"]


def test_a_body_that_is_not_json_is_415(sandbox):
    answer = sandbox.post("/customers", data="name=x", headers={"Content-Type": "text/plain"})
    assert answer.status_code == 415


def test_a_body_that_does_not_parse_is_400(sandbox):
    answer = sandbox.post("/customers", data="{not json")
    assert answer.status_code == 400
    assert answer.json()["message"] == "The request body is not valid JSON."


def test_a_body_that_is_not_an_object_is_400(sandbox):
    assert sandbox.post("/customers", json=[A_CUSTOMER]).status_code == 400


def test_put_replaces_the_whole_customer(sandbox):
    number = create(sandbox, email="old@acme.dk", city="Aarhus").json()["customerNumber"]
    answer = sandbox.put(f"/customers/{number}", json={**A_CUSTOMER, "name": "Acme A/S"})
    assert answer.status_code == 200
    stored = sandbox.get(f"/customers/{number}").json()
    assert stored["name"] == "Acme A/S"
    assert "city" not in stored  # left out of the PUT, so gone


def test_put_on_an_unknown_customer_is_404(sandbox):
    assert sandbox.put("/customers/4242", json=A_CUSTOMER).status_code == 404


def test_patch_sets_e_invoicing_disabled_and_put_keeps_it(sandbox):
    number = create(sandbox).json()["customerNumber"]
    patch = [{"op": "replace", "path": "/eInvoicingDisabledByDefault", "value": True}]
    assert sandbox.session.patch(sandbox.url(f"/customers/{number}"), json=patch).status_code == 200
    sandbox.put(f"/customers/{number}", json=A_CUSTOMER)
    assert sandbox.get(f"/customers/{number}").json()["eInvoicingDisabledByDefault"] is True


def test_patch_of_anything_else_is_400(sandbox):
    patch = [{"op": "replace", "path": "/name", "value": "x"}]
    assert sandbox.session.patch(sandbox.url("/customers/1"), json=patch).status_code == 400


def test_delete_answers_204_then_the_customer_is_gone(sandbox):
    answer = sandbox.delete("/customers/1")
    assert answer.status_code == 204
    assert answer.content == b""
    assert sandbox.get("/customers/1").status_code == 404


def test_an_unknown_customer_is_404_with_the_recorded_body(sandbox):
    body = sandbox.get("/customers/4242").json()
    assert set(body) == set(recorded("404.json"))
    assert body["message"] == "Resource not found."


def test_the_collection_validates_against_the_schema(sandbox):
    assert schema_errors(sandbox.get("/customers").json(), "customers.get") == []


def test_a_customer_groups_customers_are_listed(sandbox):
    body = sandbox.get("/customer-groups/2/customers").json()
    assert [customer["customerNumber"] for customer in body["collection"]] == [2]


def test_a_recorded_customer_sent_back_is_accepted_and_answered_with_the_same_keys(sandbox):
    document = recorded("customer.json")
    document.update(customerNumber=600, layout={"layoutNumber": 19})  # 16 is not in the seed
    answer = sandbox.post("/customers", json=document)
    assert answer.status_code == 201, answer.json()
    assert set(answer.json()) == set(document)
    assert answer.json()["balance"] == 0.0  # read-only: what the client sent is ignored

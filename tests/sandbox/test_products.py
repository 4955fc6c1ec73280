"""Products (REFERENCE §2.3), including e-conomic's id encoding of special characters."""
from economic_sandbox.encoding import encode_id
from tests.sandbox.conftest import error_codes, recorded, schema_errors, without_false

A_PRODUCT = {"productNumber": "W-1", "name": "Widget", "salesPrice": 100.0,
             "productGroup": {"productGroupNumber": 1}, "unit": {"unitNumber": 1}}


def test_a_product_with_special_characters_is_found_by_its_encoded_number(sandbox):
    answer = sandbox.get("/products/A_6_B_9_10_11_5")
    assert answer.status_code == 200
    body = answer.json()
    assert body["productNumber"] == "A/B 10.5"
    assert body["self"] == sandbox.url("/products/A_6_B_9_10_11_5")


def test_the_self_link_of_a_percent_and_underscore_number_round_trips(sandbox):
    body = sandbox.get("/products/" + encode_id("Rabat_5%")).json()
    assert body["self"].endswith("/products/Rabat_8_5_3_")
    assert sandbox.session.get(body["self"]).json()["productNumber"] == "Rabat_5%"


def test_a_product_has_the_recorded_keys_and_validates(sandbox):
    body = sandbox.get("/products/1").json()
    assert set(body) == set(without_false(recorded("product.json"))) - {"barred"}
    assert schema_errors(body, "products.productNumber.get") == []


def test_the_barred_product_shows_barred(sandbox):
    assert sandbox.get("/products/OLD-1").json()["barred"] is True


def test_creating_a_product_answers_201_and_it_can_be_read(sandbox):
    answer = sandbox.post("/products", json={**A_PRODUCT, "productNumber": "Æble/2"})
    assert answer.status_code == 201
    assert answer.headers["Location"].endswith("/products/%C3%86ble_6_2")
    assert sandbox.session.get(answer.headers["Location"]).json()["name"] == "Widget"


def test_a_product_number_in_use_is_refused(sandbox):
    answer = sandbox.post("/products", json={**A_PRODUCT, "productNumber": "1"})
    assert answer.status_code == 400
    assert error_codes(answer.json()) == ["E06010"]


def test_an_unknown_product_group_is_e06000(sandbox):
    body = sandbox.post("/products", json={**A_PRODUCT,
                                           "productGroup": {"productGroupNumber": 77}}).json()
    assert body["errors"]["productGroup"]["errors"][0]["errorCode"] == "E06000"


def test_a_product_without_a_group_fails_schema_validation(sandbox):
    document = {key: value for key, value in A_PRODUCT.items() if key != "productGroup"}
    answer = sandbox.post("/products", json=document)
    assert answer.status_code == 400
    assert "productGroup" in answer.json()["errors"]


def test_put_replaces_a_product_and_delete_removes_it(sandbox):
    sandbox.post("/products", json=A_PRODUCT)
    changed = {**A_PRODUCT, "name": "Gadget", "salesPrice": 120.0}
    assert sandbox.put("/products/W-1", json=changed).json()["salesPrice"] == 120.0
    assert sandbox.delete("/products/W-1").status_code == 204
    assert sandbox.get("/products/W-1").status_code == 404


def test_the_collection_filters_on_the_group_and_validates(sandbox):
    body = sandbox.get("/products", params={"filter": "productGroup.productGroupNumber$eq:3"}).json()
    assert [product["productNumber"] for product in body["collection"]] == ["1"]
    assert schema_errors(sandbox.get("/products").json(), "products.get") == []


def test_a_recorded_product_sent_back_is_accepted_and_answered_with_the_same_keys(sandbox):
    document = recorded("product.json")
    answer = sandbox.post("/products", json=document)
    assert answer.status_code == 201, answer.json()
    assert set(answer.json()) == set(document)
    assert answer.json()["self"] == sandbox.url("/products/01CF8D2E-A6A6-4")

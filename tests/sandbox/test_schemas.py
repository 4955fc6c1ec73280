"""e-conomic's schemas drive validation: the errors structure of REFERENCE §4.1."""

import json
from pathlib import Path

import pytest

from economic_sandbox import errors, schemas

FIXTURES = Path(__file__).parents[1] / "fixtures" / "economic"


def a_draft(**changes):
    draft = {
        "date": "2026-03-02",
        "currency": "DKK",
        "customer": {"customerNumber": 1},
        "layout": {"layoutNumber": 19},
        "paymentTerms": {"paymentTermsNumber": 1},
        "recipient": {"name": "Acme ApS", "vatZone": {"vatZoneNumber": 1}},
        "lines": [{"product": {"productNumber": "1"}, "quantity": 1, "unitNetPrice": 100}],
    }
    draft.update(changes)
    return draft


def test_it_loads_every_vendored_schema_including_the_ones_with_trailing_commas():
    names = schemas.schema_names()
    assert len(names) == 160
    for name in names:
        assert isinstance(schemas.load_schema(name), dict)


def test_it_parses_unquoted_property_names():
    assert schemas.parse_lenient('{"a": {b: 1,},}') == {"a": {"b": 1}}


def test_it_accepts_the_name_with_or_without_the_suffix():
    assert schemas.load_schema("units.post") is schemas.load_schema("units.post.schema.json")


def test_it_refuses_an_unknown_schema_name():
    with pytest.raises(KeyError):
        schemas.load_schema("no.such.thing")


def test_it_reads_filterable_fields_with_dotted_nested_names():
    fields = schemas.collection_fields("invoices.booked.get")
    assert "customer.customerNumber" in fields.filterable
    assert "references.other" in fields.filterable
    assert "bookedInvoiceNumber" in fields.filterable
    assert "remainder" not in fields.filterable  # REFERENCE §2.9: remainder is not filterable


def test_it_reads_sortable_fields_and_the_default_sort():
    fields = schemas.collection_fields("invoices.drafts.get")
    assert "draftInvoiceNumber" in fields.sortable
    assert "lastUpdated" in fields.filterable and "lastUpdated" not in fields.sortable
    assert fields.default_sort == "draftInvoiceNumber"


def test_a_collection_without_default_sorting_has_none():
    assert schemas.collection_fields("invoices.booked.get").default_sort is None


def test_a_valid_draft_has_no_errors():
    assert schemas.validate(a_draft(), "invoices.drafts.post") is None


def test_it_ignores_read_only_properties_on_input():
    assert schemas.validate(a_draft(grossAmount=1.23456), "invoices.drafts.post") is None


def test_a_missing_required_property_is_keyed_by_its_name():
    draft = a_draft()
    del draft["currency"]
    found = schemas.validate(draft, "invoices.drafts.post")
    required = {"propertyName": "currency", "errorMessage": "Property is required."}
    assert found == {"currency": {"errors": [{**required, "errorCode": "E04020"}]}}


def test_a_missing_nested_required_property_nests_under_its_parent():
    found = schemas.validate(a_draft(recipient={"name": "x"}), "invoices.drafts.post")
    assert found["recipient"]["vatZone"]["errors"][0]["errorCode"] == "E04020"


def test_a_too_long_text_is_e04010():
    found = schemas.validate(a_draft(notes={"heading": "x" * 251}), "invoices.drafts.post")
    error = found["notes"]["heading"]["errors"][0]
    assert error["errorCode"] == "E04010"
    assert "250" in error["errorMessage"]


def test_more_than_two_decimals_in_a_line_is_e04740_under_items_with_array_index():
    lines = [{"quantity": 1}, {"quantity": 1, "unitNetPrice": 10.125}]
    found = schemas.validate(a_draft(lines=lines), "invoices.drafts.post")
    error = {
        "propertyName": "unitNetPrice",
        "errorMessage": "Value must not have more than 2 decimals.",
        "errorCode": "E04740",
        "inputValue": 10.125,
    }
    assert found == {"lines": {"items": [{"arrayIndex": 1, "unitNetPrice": {"errors": [error]}}]}}


def test_an_exchange_rate_may_have_six_decimals_but_not_seven():
    assert schemas.validate(a_draft(exchangeRate=745.123456), "invoices.drafts.post") is None
    found = schemas.validate(a_draft(exchangeRate=745.1234567), "invoices.drafts.post")
    assert found["exchangeRate"]["errors"][0]["errorCode"] == "E04740"


def test_a_value_outside_the_enum_is_refused():
    recipient = {"name": "x", "vatZone": {"vatZoneNumber": 1}, "nemHandelType": "fax"}
    found = schemas.validate(a_draft(recipient=recipient), "invoices.drafts.post")
    assert found["recipient"]["nemHandelType"]["errors"][0]["errorCode"] == "E04040"


def test_a_wrong_type_is_refused_with_the_input_value():
    found = schemas.validate(a_draft(currency=208), "invoices.drafts.post")
    assert found["currency"]["errors"][0]["errorCode"] == "E04030"
    assert found["currency"]["errors"][0]["inputValue"] == 208


def test_a_reference_without_an_identifier_is_e04500():
    found = schemas.validate(a_draft(layout={}), "invoices.drafts.post")
    assert found["layout"]["errors"][0]["errorCode"] == "E04500"


def test_a_reference_given_by_self_link_only_is_accepted():
    layout = {"self": "https://restapi.e-conomic.com/layouts/19"}
    assert schemas.validate(a_draft(layout=layout), "invoices.drafts.post") is None


def test_bulk_input_answers_a_list_keyed_by_array_index():
    vouchers = [{"accountingYear": {"year": "2026"}}, {}, {"accountingYear": {"year": "2026"}}]
    found = schemas.validate(vouchers, "journals.journalNumber.vouchers.post")
    assert [entry["arrayIndex"] for entry in found] == [1]
    assert found[0]["accountingYear"]["errors"][0]["errorCode"] == "E04020"


def test_check_raises_the_e04300_envelope_with_the_count():
    draft = a_draft()
    del draft["date"], draft["currency"]
    with pytest.raises(errors.ApiError) as raised:
        schemas.check(draft, "invoices.drafts.post")
    body = raised.value.body
    assert raised.value.status == 400
    assert body["errorCode"] == "E04300"
    assert body["errorCount"] == 2
    assert body["message"] == "Validation failed. 2 errors found."
    assert set(body["errors"]) == {"date", "currency"}


def test_the_recorded_client_requests_pass_the_schemas():
    cases = {
        "morning-train-economic/Invoices/draft/create-request.json": "invoices.drafts.post",
        "morning-train-economic/Invoices/draft/book-request.json": "invoices.booked.post",
        "morning-train-economic/Products/create-request.json": "products.post",
        "morning-train-economic/Customers/create-request.json": "customers.post",
    }
    for path, schema_name in cases.items():
        document = json.loads((FIXTURES / path).read_text())
        assert schemas.validate(document, schema_name) is None, path


def test_decimal_places_counts_what_the_client_wrote():
    assert schemas.decimal_places(10) == 0
    assert schemas.decimal_places(10.5) == 1
    assert schemas.decimal_places(10.50) == 1
    assert schemas.decimal_places(0.1 + 0.2) > 2

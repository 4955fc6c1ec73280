"""Collections as Legacy REST answers them (REFERENCE §3.1): paging, the pagination envelope,
filter and sort limited to the schema's properties."""
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.sandbox.conftest import A_CUSTOMER

PAGINATION_KEYS = ["maxPageSizeAllowed", "skipPages", "pageSize", "results",
                   "resultsWithoutFilter", "firstPage", "nextPage", "lastPage"]


@pytest.fixture
def thirty_customers(unlimited):
    """30 customers in all: the 2 seeded and 28 created."""
    for index in range(28):
        unlimited.post("/customers", json={**A_CUSTOMER, "name": f"Customer {index:02d}",
                                           "email": f"c{index}@example.dk"}).raise_for_status()
    return unlimited


def query_of(link: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}


def test_the_default_page_holds_20_and_links_the_next_and_last_page(thirty_customers):
    body = thirty_customers.get("/customers").json()
    pagination = body["pagination"]
    assert len(body["collection"]) == 20
    assert list(pagination) == PAGINATION_KEYS
    assert pagination["maxPageSizeAllowed"] == 1000
    assert (pagination["results"], pagination["resultsWithoutFilter"]) == (30, 30)
    assert query_of(pagination["nextPage"]) == {"skippages": "1", "pagesize": "20"}
    assert query_of(pagination["lastPage"]) == {"skippages": "1", "pagesize": "20"}
    assert query_of(body["self"]) == {"skippages": "0", "pagesize": "20"}


def test_the_last_page_has_no_next_page(thirty_customers):
    body = thirty_customers.get("/customers?skippages=1").json()
    assert len(body["collection"]) == 10
    assert "nextPage" not in body["pagination"]
    assert body["collection"][0]["customerNumber"] == 21


def test_a_page_beyond_the_last_is_empty(thirty_customers):
    body = thirty_customers.get("/customers?skippages=5&pagesize=10").json()
    assert body["collection"] == []
    assert query_of(body["pagination"]["lastPage"])["skippages"] == "2"


def test_the_page_size_can_go_up_to_1000(thirty_customers):
    body = thirty_customers.get("/customers?pagesize=1000").json()
    assert len(body["collection"]) == 30
    assert "nextPage" not in body["pagination"]


def test_a_page_size_above_1000_is_refused_with_400(sandbox):
    answer = sandbox.get("/customers?pagesize=1001")
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        "The pagesize 1001 exceeds the maximum page size of 1000."]


@pytest.mark.parametrize("query", ["pagesize=0", "pagesize=many", "skippages=-1"])
def test_nonsense_paging_is_refused_with_400(sandbox, query):
    answer = sandbox.get(f"/customers?{query}")
    assert answer.status_code == 400
    assert answer.json()["message"] == "Invalid paging."


def test_a_filter_selects_and_counts_both_with_and_without_it(thirty_customers):
    body = thirty_customers.get("/customers", params={"filter": "email$eq:C3@EXAMPLE.DK"}).json()
    assert [customer["name"] for customer in body["collection"]] == ["Customer 03"]
    assert body["pagination"]["results"] == 1
    assert body["pagination"]["resultsWithoutFilter"] == 30
    assert query_of(body["self"])["filter"] == "email$eq:C3@EXAMPLE.DK"


def test_a_filter_on_a_nested_filterable_property_works(sandbox):
    body = sandbox.get("/customers", params={
        "filter": "customerGroup.customerGroupNumber$eq:2"}).json()
    assert [customer["customerNumber"] for customer in body["collection"]] == [2]


def test_filtering_on_a_property_that_is_not_filterable_lists_the_allowed_ones(sandbox):
    answer = sandbox.get("/customers", params={"filter": "dueAmount$gt:0"})
    body = answer.json()
    assert answer.status_code == 400
    assert body["message"] == "Could not parse query string filter."
    assert body["errors"] == ["Filtering is not allowed on property 'dueAmount'."]
    assert "email" in body["allowedFilteringFields"]
    assert "dueAmount" not in body["allowedFilteringFields"]


def test_a_filter_that_does_not_parse_is_400(sandbox):
    answer = sandbox.get("/customers", params={"filter": "name$bogus:x"})
    assert answer.status_code == 400
    assert "allowedFilteringFields" in answer.json()


def test_sorting_descending_by_name(thirty_customers):
    body = thirty_customers.get("/customers?sort=-name&pagesize=3").json()
    assert [customer["name"] for customer in body["collection"]] == [
        "Nordic Imports GmbH", "Horsens Kommune", "Customer 27"]


def test_sorting_on_a_property_that_is_not_sortable_is_400(sandbox):
    answer = sandbox.get("/customers?sort=barred")
    assert answer.status_code == 400
    assert "customerNumber" in answer.json()["allowedSortingFields"]


def test_following_next_page_links_keeps_the_filter_and_reaches_every_match(thirty_customers):
    url = thirty_customers.url("/customers?pagesize=4&filter=name$like:Customer*&sort=-name")
    names = []
    while url:
        body = thirty_customers.session.get(url, timeout=5).json()
        names += [customer["name"] for customer in body["collection"]]
        url = body["pagination"].get("nextPage")
    assert names == [f"Customer {index:02d}" for index in reversed(range(28))]

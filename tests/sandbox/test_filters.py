"""The filter grammar of REFERENCE §3.1, operator by operator, escape by escape."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from economic_sandbox.filters import FilterError, parse_filter, sort_documents

ACME = {"name": "Acme ApS", "city": "Aarhus", "customerNumber": 7, "balance": 12.5, "barred": True}
BETA = {"name": "Beta", "city": "Odense", "customerNumber": 12, "email": "b@beta.dk"}
HOSTILE = {"name": "Müller & Søn (A/S) *50%*, [x] $1", "customerNumber": 3}


def matching(text, *documents):
    predicate = parse_filter(text)
    return [document["customerNumber"] for document in documents if predicate(document)]


def test_eq_matches_strings_case_insensitively():
    assert matching("name$eq:acme aps", ACME, BETA) == [7]


def test_eq_matches_numbers_by_value():
    assert matching("customerNumber$eq:12", ACME, BETA) == [12]
    assert matching("balance$eq:12.50", ACME, BETA) == [7]


def test_eq_matches_booleans():
    assert matching("barred$eq:true", ACME, BETA) == [7]


def test_an_absent_boolean_counts_as_false():
    assert matching("barred$eq:false", ACME, BETA) == [12]
    assert matching("barred$ne:true", ACME, BETA) == [12]
    assert matching("barred$ne:false", ACME, BETA) == [7]


def test_ne_matches_the_others_and_absent_properties():
    assert matching("city$ne:aarhus", ACME, BETA) == [12]
    assert matching("balance$ne:1", ACME, BETA) == [7, 12]


def test_gt_and_gte_compare_numbers_not_text():
    assert matching("customerNumber$gt:7", ACME, BETA) == [12]
    assert matching("customerNumber$gte:7", ACME, BETA) == [7, 12]


def test_lt_and_lte_compare_numbers_not_text():
    assert matching("customerNumber$lt:12", ACME, BETA) == [7]
    assert matching("customerNumber$lte:12", ACME, BETA) == [7, 12]


def test_gt_compares_iso_dates_as_text():
    early, late = (
        {"date": "2026-01-05", "customerNumber": 1},
        {"date": "2026-02-01", "customerNumber": 2},
    )
    assert matching("date$gte:2026-01-31", early, late) == [2]


def test_like_without_a_wildcard_means_contains():
    assert matching("name$like:CME", ACME, BETA) == [7]


def test_like_with_wildcards_matches_the_whole_value():
    assert matching("city$like:*se", ACME, BETA) == [12]
    assert matching("city$like:aar*", ACME, BETA) == [7]
    assert matching("city$like:ar*", ACME, BETA) == []


def test_in_takes_a_list_of_numbers():
    assert matching("customerNumber$in:[3,12,99]", ACME, BETA, HOSTILE) == [12, 3]


def test_nin_excludes_a_list_of_numbers():
    assert matching("customerNumber$nin:[3,12]", ACME, BETA, HOSTILE) == [7]


def test_in_refuses_more_than_200_values():
    numbers = ",".join(str(number) for number in range(201))
    with pytest.raises(FilterError) as raised:
        parse_filter(f"customerNumber$in:[{numbers}]")
    assert str(raised.value) == "$in: and $nin: take at most 200 values."
    assert parse_filter(f"customerNumber$in:[{numbers.rsplit(',', 1)[0]}]")


def test_in_refuses_text_values():
    with pytest.raises(FilterError) as raised:
        parse_filter("name$in:[a,b]")
    assert "only allowed with numbers" in raised.value.detail


def test_null_tests_for_absence():
    assert matching("email$eq:$null:", ACME, BETA) == [7]
    assert matching("email$ne:$null:", ACME, BETA) == [12]


def test_null_is_refused_with_other_operators():
    with pytest.raises(FilterError):
        parse_filter("email$gt:$null:")


def test_and_needs_both():
    assert matching("city$eq:Aarhus$and:customerNumber$eq:12", ACME, BETA) == []
    assert matching("city$eq:Aarhus$and:customerNumber$eq:7", ACME, BETA) == [7]


def test_or_needs_either():
    assert matching("city$eq:Aarhus$or:customerNumber$eq:12", ACME, BETA) == [7, 12]


def test_and_binds_tighter_than_or():
    # name=Beta OR (city=Aarhus AND number=12): Acme fails the AND, Beta passes the name.
    assert matching("name$eq:Beta$or:city$eq:Aarhus$and:customerNumber$eq:12", ACME, BETA) == [12]


def test_parentheses_set_precedence():
    text = "(name$eq:Beta$or:city$eq:Aarhus)$and:customerNumber$eq:12"
    assert matching(text, ACME, BETA) == [12]
    text = "name$eq:Acme ApS$and:(city$like:*port$or:customerNumber$lt:40)"
    assert matching(text, ACME, BETA) == [7]


def test_nested_parentheses():
    assert matching("((customerNumber$eq:7))$or:(name$eq:x$or:(city$eq:odense))", ACME, BETA) == [
        7,
        12,
    ]


def test_dotted_properties_reach_nested_values():
    invoice = {"customer": {"customerNumber": 1001}, "customerNumber": 1}
    predicate = parse_filter("customer.customerNumber$eq:1001")
    assert predicate(invoice)
    assert predicate.properties == frozenset({"customer.customerNumber"})


def test_properties_lists_every_name_used():
    predicate = parse_filter("name$eq:a$and:(city$eq:b$or:customer.customerNumber$in:[1])")
    assert predicate.properties == frozenset({"name", "city", "customer.customerNumber"})


@pytest.mark.parametrize(
    ("escaped", "literal"),
    [("$$", "$"), ("$(", "("), ("$)", ")"), ("$*", "*"), ("$,", ","), ("$[", "["), ("$]", "]")],
)
def test_each_escape_stands_for_its_character(escaped, literal):
    document = {"name": f"a{literal}b", "customerNumber": 1}
    assert matching(f"name$eq:a{escaped}b", document) == [1]


def test_an_escaped_star_is_not_a_wildcard_in_like():
    starred, plain = {"name": "a*b", "customerNumber": 1}, {"name": "axb", "customerNumber": 2}
    assert matching("name$like:a$*b", starred, plain) == [1]
    assert matching("name$like:a*b", starred, plain) == [1, 2]


def test_a_hostile_value_escaped_matches_exactly():
    escaped = "Müller & Søn $(A/S$) $*50%$*$, $[x$] $$1"
    assert matching(f"name$eq:{escaped}", ACME, HOSTILE) == [3]
    assert matching(f"name$like:{escaped}", ACME, HOSTILE) == [3]
    assert matching("name$like:*$(A/S$)*", ACME, HOSTILE) == [3]


def test_a_hostile_value_unescaped_is_refused():
    with pytest.raises(FilterError):
        parse_filter("name$eq:Müller & Søn (A/S) *50%*")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "name",
        "name$eq",
        "name$bogus:1",
        "$eq:1",
        "(name$eq:a",
        "name$eq:a)",
        "name$eq:a$and:",
        "name$eq:a$x",
        "customerNumber$in:1,2",
        "customerNumber$in:[1,2",
    ],
)
def test_malformed_filters_are_refused_with_e_conomics_message(text):
    with pytest.raises(FilterError) as raised:
        parse_filter(text)
    assert raised.value.message == "Could not parse query string filter."


def test_sort_ascending_descending_and_by_several_keys():
    documents = [
        {"name": "b", "age": 2},
        {"name": "a", "age": 2},
        {"name": "c", "age": 1},
    ]
    sortable = frozenset({"name", "age"})
    assert [d["name"] for d in sort_documents(documents, "name", sortable)] == ["a", "b", "c"]
    assert [d["name"] for d in sort_documents(documents, "-name", sortable)] == ["c", "b", "a"]
    assert [d["name"] for d in sort_documents(documents, "-age,name", sortable)] == ["a", "b", "c"]


def test_sort_numbers_numerically_unless_tilde_asks_for_alphabetical():
    documents = [{"number": 10}, {"number": 9}, {"number": 100}]
    sortable = frozenset({"number"})
    assert [d["number"] for d in sort_documents(documents, "number", sortable)] == [9, 10, 100]
    assert [d["number"] for d in sort_documents(documents, "~number", sortable)] == [10, 100, 9]


def test_sort_strings_case_insensitively_with_absent_values_first():
    documents = [{"name": "b"}, {"name": "A"}, {}]
    assert sort_documents(documents, "name", frozenset({"name"})) == [
        {},
        {"name": "A"},
        {"name": "b"},
    ]


def test_sort_refuses_an_unsortable_property():
    with pytest.raises(FilterError) as raised:
        sort_documents([], "secret", frozenset({"name"}))
    assert raised.value.detail == "Sorting is not allowed on property 'secret'."


def escaped(value: str) -> str:
    """How a client escapes a filter value (REFERENCE §3.1)."""
    return "".join("$" + character if character in "$()*,[]" else character for character in value)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30))
def test_any_escaped_value_matches_exactly_itself(value):
    document = {"name": value, "customerNumber": 1}
    assert parse_filter(f"name$eq:{escaped(value)}")(document)
    assert not parse_filter(f"name$eq:{escaped(value)}x")(document)
    assert parse_filter(f"name$like:{escaped(value)}")(document)


@given(st.lists(st.integers(min_value=-(10**9), max_value=10**9), min_size=1, max_size=200))
def test_in_matches_exactly_the_listed_numbers(numbers):
    predicate = parse_filter(f"customerNumber$in:[{','.join(map(str, numbers))}]")
    assert all(predicate({"customerNumber": number}) for number in numbers)
    assert not predicate({"customerNumber": max(numbers) + 1})

import pytest

from integration.economic import filters


def test_it_escapes_every_reserved_character_in_a_value():
    built = filters.eq("name", "Müller & Søn (A/S) *50%*, [x] $1")
    assert str(built) == "name$eq:Müller & Søn $(A/S$) $*50%$*$, $[x$] $$1"


def test_it_joins_with_and_without_parentheses_for_simple_operands():
    built = filters.eq("currency", "DKK") & filters.gte("date", "2026-01-01")
    assert str(built) == "currency$eq:DKK$and:date$gte:2026-01-01"


def test_it_parenthesises_compound_operands():
    built = filters.eq("city", "Aarhus") & (filters.like("name", "Acme") | filters.is_null("email"))
    assert str(built) == "city$eq:Aarhus$and:(name$like:Acme$or:email$eq:$null:)"


def test_it_lists_numbers_for_in():
    assert str(filters.is_in("bookedInvoiceNumber", [3, 1, 2])) == "bookedInvoiceNumber$in:[3,1,2]"


def test_it_refuses_more_than_200_numbers_in_one_in_filter():
    with pytest.raises(ValueError, match="at most 200"):
        filters.is_in("customerNumber", range(201))


def test_it_refuses_an_empty_in_filter():
    with pytest.raises(ValueError, match="at least one"):
        filters.is_in("customerNumber", [])

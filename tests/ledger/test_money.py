from decimal import Decimal

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from accounts_app.money import (
    LineAmounts,
    Money,
    line_amounts,
    money_display,
    money_round,
    totals_from_lines,
)

quantities = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
prices = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False)
discounts = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
rates = st.sampled_from([Decimal("0"), Decimal("12.5"), Decimal("25")])
lines = st.lists(st.tuples(quantities, prices, discounts, rates), min_size=1, max_size=30)


def test_money_rounds_half_up_away_from_zero():
    assert money_round(Decimal("0.125")) == Decimal("0.13")
    assert money_round(Decimal("-0.125")) == Decimal("-0.13")
    assert money_round(Decimal("0.124")) == Decimal("0.12")


def test_vat_is_computed_on_the_rounded_net_of_the_line():
    # 3 x 33.335 with 0 % discount: net 100.005 -> 100.01; VAT 25 % of 100.01 = 25.0025 -> 25.00
    amounts = line_amounts(
        quantity=Decimal("3"), unit_price=Decimal("33.335"),
        discount_percent=Decimal("0"), vat_rate=Decimal("25"),
    )  # fmt: skip
    assert amounts == LineAmounts(net=Decimal("100.01"), vat=Decimal("25.00"))


def test_discount_is_taken_before_rounding():
    amounts = line_amounts(
        quantity=Decimal("1"), unit_price=Decimal("10.05"),
        discount_percent=Decimal("50"), vat_rate=Decimal("25"),
    )  # fmt: skip
    assert amounts == LineAmounts(net=Decimal("5.03"), vat=Decimal("1.26"))


@given(lines)
def test_totals_equal_the_sum_of_the_rounded_lines_with_vat_per_line(raw_lines):
    amounts = [
        line_amounts(quantity=q, unit_price=p, discount_percent=d, vat_rate=r)
        for q, p, d, r in raw_lines
    ]
    totals = totals_from_lines(amounts)
    for (quantity, price, discount, rate), line in zip(raw_lines, amounts, strict=True):
        assert line.net == money_round(quantity * price * (100 - discount) / 100)
        assert line.vat == money_round(line.net * rate / 100)
        assert line.net.as_tuple().exponent == -2 and line.vat.as_tuple().exponent == -2
    assert totals.net == sum((line.net for line in amounts), Decimal("0"))
    assert totals.vat == sum((line.vat for line in amounts), Decimal("0"))
    assert totals.gross == totals.net + totals.vat


@given(lines)
def test_a_negated_line_is_the_exact_negative_of_the_line(raw_lines):
    for quantity, price, discount, rate in raw_lines:
        plus = line_amounts(quantity=quantity, unit_price=price, discount_percent=discount,
                            vat_rate=rate)  # fmt: skip
        minus = line_amounts(quantity=-quantity, unit_price=price, discount_percent=discount,
                             vat_rate=rate)  # fmt: skip
        assert (minus.net, minus.vat) == (-plus.net, -plus.vat)


def test_money_is_shown_the_danish_way_in_danish_with_kroner_as_kr():
    with translation.override("da"):
        assert str(Money(Decimal("3793245.24000000"), "DKK")) == "3.793.245,24 kr."
        assert money_display(Decimal("-1234.5"), "EUR") == "-1.234,50 EUR"
        assert money_display(Decimal("0.125"), "SEK") == "0,13 SEK"  # rounded, not cut off


def test_money_is_shown_the_english_way_in_english_with_the_code_first():
    with translation.override("en"):
        assert str(Money(Decimal("3793245.24000000"), "DKK")) == "DKK 3,793,245.24"
        assert money_display(Decimal("-1234.5"), "EUR") == "EUR -1,234.50"
        assert money_display(Decimal("0.125"), "SEK") == "SEK 0.13"

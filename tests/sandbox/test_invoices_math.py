"""Invoice arithmetic (REFERENCE §2.5, §2.8): half-up cents per line, VAT per line, due dates."""

import datetime
from decimal import Decimal

import pytest

from economic_sandbox.resources import invoice_math

DAY = datetime.date(2026, 2, 10)


def test_line_net_rounds_half_up_to_cents():
    assert invoice_math.line_net_amount(1, "0.125") == Decimal("0.13")
    assert invoice_math.line_net_amount(3, "99.99", 10) == Decimal("269.97")
    assert invoice_math.line_net_amount(-1, "0.125") == Decimal("-0.13")


def test_line_net_is_exact_where_floats_are_not():
    # 1.005 as a float is 1.00499999...; money() works from its text and rounds to 1.01
    assert invoice_math.money(1.005) == Decimal("1.01")
    assert invoice_math.line_net_amount(3, 0.1) == Decimal("0.30")


def test_line_vat_rounds_half_up():
    assert invoice_math.line_vat_amount(Decimal("0.02"), 25) == Decimal("0.01")
    assert invoice_math.line_vat_amount(Decimal("269.97"), 25) == Decimal("67.49")


def test_document_totals_sum_the_rounded_lines():
    lines = [
        {"totalNetAmount": 0.02, "vatAmount": 0.01, "unitCostPrice": 0, "quantity": 1},
        {"totalNetAmount": 0.02, "vatAmount": 0.01, "unitCostPrice": 0, "quantity": 1},
    ]
    totals = invoice_math.document_totals(lines, 100)
    assert totals["netAmount"] == 0.04
    assert totals["vatAmount"] == 0.02
    assert totals["grossAmount"] == 0.06


def test_base_currency_amounts_use_the_rate_per_100():
    lines = [{"totalNetAmount": 100, "vatAmount": 0, "unitCostPrice": 0, "quantity": 1}]
    assert invoice_math.document_totals(lines, 746)["netAmountInBaseCurrency"] == 746.0


def test_margin_is_net_minus_cost_in_base_currency():
    lines = [{"totalNetAmount": 500, "vatAmount": 125, "unitCostPrice": 800, "quantity": 1}]
    totals = invoice_math.document_totals(lines, 100)
    assert totals["marginInBaseCurrency"] == -300.0  # as recorded in create-response.json
    assert totals["marginPercentage"] == -60.0


@pytest.mark.parametrize(
    ("kind", "days", "expected"),
    [
        ("net", 8, "2026-02-18"),
        ("net", 0, "2026-02-10"),
        ("invoiceMonth", 30, "2026-03-30"),
        ("invoiceMonth", 0, "2026-02-28"),
        ("paidInCash", 0, "2026-02-10"),
        ("prepaid", 0, "2026-02-10"),
        ("invoiceWeekStartingMonday", 0, "2026-02-15"),
        ("invoiceWeekStartingSunday", 0, "2026-02-14"),
        ("factoring", 14, "2026-02-24"),
    ],
)
def test_due_dates_follow_the_payment_terms(kind, days, expected):
    terms = {"paymentTermsType": kind, "daysOfCredit": days}
    assert invoice_math.due_date(DAY, terms, None).isoformat() == expected


def test_due_date_terms_take_the_given_date_or_none():
    terms = {"paymentTermsType": "dueDate"}
    given = datetime.date(2026, 5, 1)
    assert invoice_math.due_date(DAY, terms, given) == given
    assert invoice_math.due_date(DAY, terms, None) is None


def test_the_recorded_net_8_days_example():
    terms = {"paymentTermsType": "net", "daysOfCredit": 8}
    due = invoice_math.due_date(datetime.date(2024, 10, 24), terms, None)
    assert due.isoformat() == "2024-11-01"  # create_booked_invoice.json


def test_dates_are_read_from_dates_and_datetimes():
    assert invoice_math.parse_date("2024-02-13T12:20:18+00:00") == datetime.date(2024, 2, 13)
    assert invoice_math.parse_date("2024-02-13") == datetime.date(2024, 2, 13)

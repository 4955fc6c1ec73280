import datetime

import pytest

from accounts_app.models import PaymentCondition
from accounts_app.services import invoice_due_date

ISSUED = datetime.date(2026, 1, 20)


@pytest.mark.parametrize(
    ("kind", "days", "expected"),
    [
        ("net", 8, datetime.date(2026, 1, 28)),
        ("net", 30, datetime.date(2026, 2, 19)),
        ("current_month", 30, datetime.date(2026, 3, 2)),
        ("current_month", 0, datetime.date(2026, 1, 31)),
        ("cash", 14, ISSUED),
        ("prepaid", 14, ISSUED),
    ],
)
def test_the_due_date_follows_the_payment_condition(kind, days, expected):
    condition = PaymentCondition(name="x", kind=kind, days=days)
    assert invoice_due_date(issue_date=ISSUED, condition=condition) == expected


def test_current_month_counts_from_the_end_of_february_in_a_leap_year():
    condition = PaymentCondition(name="x", kind="current_month", days=30)
    due = invoice_due_date(issue_date=datetime.date(2028, 2, 3), condition=condition)
    assert due == datetime.date(2028, 3, 30)


def test_a_due_date_condition_keeps_the_date_given():
    condition = PaymentCondition(name="x", kind="due_date", days=0)
    given = datetime.date(2026, 6, 1)
    assert invoice_due_date(issue_date=ISSUED, condition=condition, given=given) == given

"""The ledger's long lists cost the same few queries however many rows the ledger holds.
bench/changelist.py measures them with 100,000 invoices; these tests hold the same line at a
size a test can build: the count does not grow from 5 invoices to 50, and stays at 10 or fewer."""
import datetime
import html
import re
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts_app.models import Customer, Invoice
from accounts_app.services import invoice_credit, payment_register
from tests.ledger.factories import invoice_with_lines

pytestmark = pytest.mark.django_db
GOAL = 10
PAGES = [
    ("invoice", ""),
    ("invoice", "?state__exact=paid"),
    ("invoice", "?kind=credit_note&currency__exact=DKK"),
    ("invoice", "?q=Customer"),
    ("invoice", "?o=9"),
    ("invoice", "?issue_date__year=2025"),
    ("customer", ""),
    ("customer", "?q=Customer"),
    ("payment", ""),
    ("payment", "?source__exact=manual"),
]


def invoices_add(count: int) -> None:
    """Finalized invoices over three years (so that the date hierarchy opens at the years for
    any count), each for its own customer; every other one paid, every tenth credited."""
    for number in range(count):
        issue_date = datetime.date(2023 + number % 3, 1 + number % 12, 1 + number % 28)
        invoice = invoice_with_lines(finalized=True, issue_date=issue_date)
        if number % 2:
            payment_register(invoice=invoice, date=invoice.issue_date,
                             amount=invoice.gross_total)  # fmt: skip
        elif number % 10 == 0:
            invoice_credit(invoice=invoice)


def queries_of(client, model: str, query: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:accounts_app_{model}_changelist") + query)
    assert response.status_code == 200, (model, query)
    return len(queries)


@pytest.mark.parametrize("role", ["admin_user", "clerk"])
def test_the_lists_cost_the_same_queries_for_5_and_for_50_invoices(client, request, role):
    client.force_login(request.getfixturevalue(role))
    invoices_add(5)
    small = {page: queries_of(client, *page) for page in PAGES}
    invoices_add(45)
    assert Invoice.objects.count() == 56  # 50 invoices, 6 of them credited
    large = {page: queries_of(client, *page) for page in PAGES}
    assert large == small
    assert max(large.values()) <= GOAL, large


def test_the_invoice_list_stays_within_ten_queries_for_a_clerk(
    client, clerk, django_assert_max_num_queries
):
    invoices_add(20)
    client.force_login(clerk)
    with django_assert_max_num_queries(GOAL):
        response = client.get(reverse("admin:accounts_app_invoice_changelist"))
    assert response.content.decode().count('<th class="field-display_number">') == 22


def hierarchy_of(client, query: str = "") -> tuple[list[dict], list[dict]]:
    """The date hierarchy's back link and choices on the invoice list, each as its parameters."""
    page = client.get(reverse("admin:accounts_app_invoice_changelist") + query).content.decode()
    nav = re.search(r'<nav class="toplinks">(.*?)</nav>', page, re.S)
    if nav is None:
        return [], []
    links = re.findall(r'<a href="\?([^"]*)"( class="date-back")?', nav.group(1))
    as_params = [(dict(parse_qsl(html.unescape(link))), back) for link, back in links]
    return ([params for params, back in as_params if back],
            [params for params, back in as_params if not back])  # fmt: skip


def test_the_date_hierarchy_lists_each_year_from_the_first_invoice_to_the_last(
    client, admin_user
):
    for issue_date in (datetime.date(2023, 11, 30), datetime.date(2026, 2, 1)):
        invoice_with_lines(finalized=True, issue_date=issue_date)
    client.force_login(admin_user)
    back, choices = hierarchy_of(client)
    assert back == []
    assert choices == [{"issue_date__year": str(year)} for year in (2023, 2024, 2025, 2026)]


def test_a_ledger_of_one_year_opens_at_the_months_that_have_invoices(client, admin_user):
    for issue_date in (datetime.date(2026, 2, 10), datetime.date(2026, 5, 1)):
        invoice_with_lines(finalized=True, issue_date=issue_date)
    client.force_login(admin_user)
    back, choices = hierarchy_of(client)
    assert back == [{}]  # "All dates"
    assert choices == [{"issue_date__year": "2026", "issue_date__month": month}
                       for month in ("2", "5")]  # fmt: skip


def test_a_ledger_of_one_month_opens_at_its_days(client, admin_user):
    for day in (3, 17):
        invoice_with_lines(finalized=True, issue_date=datetime.date(2026, 2, day))
    client.force_login(admin_user)
    back, choices = hierarchy_of(client)
    assert back == [{"issue_date__year": "2026"}]
    assert choices == [
        {"issue_date__year": "2026", "issue_date__month": "2", "issue_date__day": day}
        for day in ("3", "17")
    ]


def test_a_chosen_year_lists_its_months(client, admin_user):
    for issue_date in (datetime.date(2025, 3, 1), datetime.date(2025, 8, 9),
                       datetime.date(2026, 1, 5)):  # fmt: skip
        invoice_with_lines(finalized=True, issue_date=issue_date)
    client.force_login(admin_user)
    back, choices = hierarchy_of(client, "?issue_date__year=2025")
    assert back == [{}]
    assert choices == [{"issue_date__year": "2025", "issue_date__month": month}
                       for month in ("3", "8")]  # fmt: skip


def test_a_search_without_matches_shows_no_dates_and_reads_them_once(client, admin_user):
    invoice_with_lines(finalized=True, issue_date=datetime.date(2025, 3, 1))
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as queries:
        assert hierarchy_of(client, "?q=nobody") == ([], [])
    selected = [query["sql"].split(" FROM ")[0] for query in queries]
    dates_read = [column for column in selected if "issue_date" in column and '."id"' not in column]
    assert len(dates_read) == 1, dates_read  # the first and last date, nothing more


def test_a_filtered_list_spans_only_its_matches_and_keeps_its_filter(client, admin_user):
    early = invoice_with_lines(finalized=True, issue_date=datetime.date(2022, 6, 1))
    later = invoice_with_lines(finalized=True, issue_date=datetime.date(2023, 6, 1))
    invoice_with_lines(finalized=True, issue_date=datetime.date(2026, 6, 1))
    for invoice in (early, later):
        payment_register(invoice=invoice, date=invoice.issue_date, amount=Decimal("10.00"))
    client.force_login(admin_user)
    back, choices = hierarchy_of(client, "?state__exact=partly_paid")
    assert choices == [{"state__exact": "partly_paid", "issue_date__year": year}
                       for year in ("2022", "2023")]  # fmt: skip


def test_the_customer_list_names_each_customer_s_country(client, admin_user):
    invoice = invoice_with_lines(finalized=True)
    Customer.objects.filter(pk=invoice.customer_id).update(country="SE")
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_app_customer_changelist")).content.decode()
    assert '<td class="field-country_name">Sweden</td>' in page

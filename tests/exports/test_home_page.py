"""The home page shows each connection's work, every figure a link to the list behind it that
lists as many as the figure says; money per currency, never summed across currencies; a fixed
number of queries however much there is."""

import html as entities
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection as database
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts_app.models import Invoice
from accounts_app.money import Money
from accounts_app.services import payment_register
from integration.models import PaymentImport, ReconcileFinding
from integration.services.exports import export_process, export_run_start
from tests.exports.conftest import make_customer, make_invoice


def _cell(html: str, name: str, tag: str = "td") -> str:
    found = re.search(rf'<{tag} class="{name}">(.*?)</{tag}>', html, re.S)
    text = re.sub(r"<[^>]+>", "", found.group(1)) if found else ""
    return entities.unescape(re.sub(r"\s+", " ", text)).strip()


def _links(html: str, name: str, tag: str = "td") -> list[str]:
    found = re.search(rf'<{tag} class="{name}">(.*?)</{tag}>', html, re.S)
    return [entities.unescape(url) for url in re.findall(r'href="([^"]+)"', found.group(1))]


def _listed(client, url: str) -> int:
    """How many rows the linked list shows: its filter must exist and filter."""
    answer = client.get(url)
    assert answer.status_code == 200, url
    assert "?e=1" not in answer.get("Location", ""), url
    return answer.context["cl"].result_count


def _run(connection, *invoices):
    return export_run_start(connection=connection, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices]))


@pytest.fixture
def work(exporting, sandbox):
    """A drafted invoice, one that failed, one queued and one never sent."""
    drafted, failed, queued, plain = make_invoice(), make_invoice(), make_invoice(), make_invoice()
    export_process(connection=exporting, run=_run(exporting, drafted))
    refused = _run(exporting, failed)
    sandbox.revoke()
    export_process(connection=exporting, run=refused)
    run = _run(exporting, queued)
    return {"plain": plain, "run": run}


def test_each_figure_links_to_a_list_of_as_many(client, clerk, exporting, work):
    client.force_login(clerk)

    html = client.get(reverse("admin:index")).content.decode()

    assert _cell(html, "not-exported") == "1 invoice"  # the failed one is a job, the queued one a run
    assert _listed(client, _links(html, "not-exported")[0]) == 1
    assert _cell(html, "needs-person") == "2 jobs"  # the refused customer and its invoice
    assert _listed(client, _links(html, "needs-person")[0]) == 2
    assert _cell(html, "drafts-waiting") == "1 draft to book there"
    assert _listed(client, _links(html, "drafts-waiting")[0]) == 1
    assert f"Run {work['run'].pk}" in _cell(html, "runs") and "0 done, 0 failed of 1" in _cell(html, "runs")
    assert '<progress value="0" max="1">' in html
    assert _cell(html, "setup").startswith("ready to export")
    assert _links(html, "setup") == [reverse("admin:integration_connection_setup_check", args=[exporting.pk])]


def test_open_findings_link_to_the_connections_open_findings(client, clerk, exporting):
    for number, state in enumerate(("open", "open", "fixed")):
        ReconcileFinding.objects.create(connection=exporting, kind="missing", state=state, document=f"Invoice {number}", detail="Missing", last_seen=timezone.now(),
                                        resolved_at=timezone.now() if state != "open" else None)
    client.force_login(clerk)
    html = client.get(reverse("admin:index")).content.decode()
    assert _cell(html, "findings") == "2 open findings"
    assert _listed(client, _links(html, "findings")[0]) == 2


def test_the_last_payment_import_says_when_how_many_and_its_state(client, clerk, exporting):
    client.force_login(clerk)
    assert _cell(client.get(reverse("admin:index")).content.decode(), "last-import") == "none yet"
    PaymentImport.objects.create(connection=exporting, trigger="daily", state="done", checked=3, paid=1)
    last = PaymentImport.objects.create(connection=exporting, trigger="manual", state="failed", checked=12, paid=4, partial=2)

    html = client.get(reverse("admin:index")).content.decode()

    shown = _cell(html, "last-import")
    assert "Failed; 12 checked, 4 paid, 2 partly paid" in shown
    assert date_format(timezone.localtime(last.started), "SHORT_DATETIME_FORMAT") in shown
    assert reverse("admin:integration_paymentimport_change", args=[last.pk]) in _links(html, "last-import")
    assert _listed(client, _links(html, "last-import")[-1]) == 2


def test_the_days_budget_shows_calls_used_of_the_limit(client, clerk, exporting):
    client.force_login(clerk)
    html = client.get(reverse("admin:index")).content.decode()
    assert re.fullmatch(r"\d[\d,]* / 50,000 calls \(\d+%\)", _cell(html, "budget"))
    assert re.search(r'<progress value="\d+" max="50000">', html)


def test_money_is_shown_and_linked_per_currency_never_summed(client, clerk, exporting):
    danish, euro = make_invoice(prices=("100.00",)), make_invoice(customer=make_customer(currency="EUR"), prices=("40.00",), exchange_rate=Decimal("7.46"))
    make_invoice(customer=make_customer(currency="EUR"), prices=("10.00",), exchange_rate=Decimal("7.46"))
    payment_register(invoice=euro, date=timezone.localdate(), amount=Decimal("20.00"))
    payment_register(invoice=danish, date=timezone.localdate(), amount=Decimal("50.00"))
    client.force_login(clerk)

    html = client.get(reverse("admin:index")).content.decode()

    assert _cell(html, "open-DKK", "div") == str(Money(Decimal("200"), "DKK"))  # 250.00 gross less 50.00 paid
    assert _cell(html, "open-EUR", "div") == str(Money(Decimal("105"), "EUR"))  # 100.00 + 25.00 less 20.00
    assert _cell(html, "paid-DKK", "div") == str(Money(Decimal("50"), "DKK"))
    assert _cell(html, "paid-EUR", "div") == str(Money(Decimal("20"), "EUR"))
    assert _listed(client, _links(html, "open-EUR", "div")[0]) == 2
    assert _listed(client, _links(html, "open-DKK", "div")[0]) == 1
    assert _listed(client, _links(html, "paid-EUR", "div")[0]) == 2  # this month's payments


# For one connection: the session and user, the permissions, then per connection its counts,
# runs, last import, the setup check's reads and the budget (a read of the bucket's table, or
# of Redis where it keeps the bucket), and the money per currency.
HOME_QUERIES = 33 if not settings.REDIS_URL else 32


def _home_queries(client) -> int:
    with CaptureQueriesContext(database) as queries:
        assert client.get(reverse("admin:index")).status_code == 200
    return len(queries)


def test_the_home_page_asks_a_fixed_number_of_queries_however_much_there_is(client, clerk, exporting, sandbox):
    client.force_login(clerk)
    make_invoice()
    export_process(connection=exporting, run=_run(exporting, make_invoice()))
    PaymentImport.objects.create(connection=exporting, trigger="daily", state="done")
    few = _home_queries(client)
    assert few == HOME_QUERIES, few

    invoices = [make_invoice() for _ in range(4)] + [make_invoice(customer=make_customer(currency="EUR"), exchange_rate=Decimal("7.46"))]
    export_process(connection=exporting, run=_run(exporting, *invoices[:3]))
    _run(exporting, invoices[3])
    _run(exporting, invoices[4])
    for _ in range(3):
        PaymentImport.objects.create(connection=exporting, trigger="daily", state="done")
    payment_register(invoice=invoices[0], date=timezone.localdate(), amount=Decimal("1.00"))

    assert _home_queries(client) == HOME_QUERIES


def test_staff_without_a_group_sees_no_work_and_no_money(client, db):
    user = User.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "work-dashboard" not in html and "payments-dashboard" not in html

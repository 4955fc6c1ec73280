"""The ledger's change lists at scale: queries and time per page for a superuser and a finance
clerk, with 100,000 invoices (and their customers, projects, lines and payments) in the database.
The goal is at most 10 queries per page, whatever the size of the ledger.

The database is a scratch one made for the run and dropped after it: a temporary SQLite file by
default, or the test database of DATABASE_URL (test_<name>) when it is given, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/lb_load. Rows are bulk-inserted as the services
would leave them (totals, states, numbers), not made through the services, which would take an
hour. Prints figures; it is not a test.

    .venv/bin/python bench/changelist.py [--invoices 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="ledger-bench-changelist-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
os.environ["TEST_DB_NAME"] = str(scratch / "test.sqlite3")  # never the shared test file

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.issued import issued_invoices_create  # noqa: E402

GOAL = 10
CENT = Decimal("0.01")
PAGES = [
    ("invoice", "default", ""),
    ("invoice", "filtered (paid)", "?state__exact=paid"),
    ("invoice", "filtered (credit notes, EU)",
     "?kind=credit_note&customer__vat_situation__exact=eu_reverse_charge"),
    ("invoice", "date drill-down", "?issue_date__year=2025&issue_date__month=3"),
    ("invoice", "search (customer name)", "?q=Hansen"),
    ("invoice", "search (number)", "?q=4711"),
    ("invoice", "page 2", "?p=1"),
    ("invoice", "sorted by gross total", "?o=9"),
    ("invoice", "sorted by customer", "?o=2.-1"),
    ("customer", "default", ""),
    ("customer", "filtered (EU)", "?vat_situation__exact=eu_reverse_charge"),
    ("customer", "search", "?q=Hansen"),
    ("customer", "page 2", "?p=1"),
    ("payment", "default", ""),
    ("payment", "filtered (imported)", "?source__exact=import"),
    ("payment", "search (customer name)", "?q=Hansen"),
    ("payment", "page 2", "?p=1"),
    ("payment", "sorted by amount", "?o=4"),
]  # fmt: skip
SURNAMES = ["Hansen", "Jensen", "Nielsen", "Pedersen", "Andersen", "Larsen", "Møller", "Holm",
            "Kristensen", "Olsen", "Thomsen", "Poulsen", "Rasmussen", "Madsen", "Berg"]  # fmt: skip
TRADES = ["Byg", "Consult", "Design", "Transport", "El-service", "VVS", "Data", "Regnskab"]


def ledger_build(invoices: int, rng: random.Random) -> None:
    """Customers, projects, reference data, invoices with two lines each, and payments."""
    reference = reference_build()
    customers = customers_build(max(invoices // 50, 10), reference, rng)
    projects = projects_build(customers, rng)
    invoices_build(invoices, customers, projects, reference, rng)


def reference_build() -> dict:
    from accounts_app.models import PaymentCondition, SalesAccount, ServiceType, VatCode

    sales = SalesAccount.objects.create(number=1010, name="Sales of services")
    return {
        "conditions": [PaymentCondition.objects.create(name=f"Net {days} days", kind="net",
                                                       days=days) for days in (8, 14, 30)],
        "vat": VatCode.objects.create(code="S25", name="Danish VAT 25 %", rate=Decimal("25")),
        "sales": sales,
        "services": [ServiceType.objects.create(name=name, default_sales_account=sales)
                     for name in ("Consulting", "Development", "Support", "Travel")],
    }  # fmt: skip


def customers_build(count: int, reference: dict, rng: random.Random) -> list:
    from accounts_app.models import Customer

    situations = ["domestic"] * 8 + ["eu_reverse_charge", "abroad"]
    rows = []
    for number in range(1, count + 1):
        situation = rng.choice(situations)
        rows.append(Customer(
            number=number, name=f"{rng.choice(SURNAMES)} {rng.choice(TRADES)} ApS",
            email=f"billing{number}@example.dk", address=f"Vejen {number}", zip_code="8000",
            city="Aarhus", country="DE" if situation == "eu_reverse_charge" else "DK",
            currency="EUR" if situation != "domestic" else "DKK",
            vat_number=f"DE{100000000 + number}" if situation == "eu_reverse_charge" else "",
            vat_situation=situation, payment_condition=rng.choice(reference["conditions"]),
        ))  # fmt: skip
    return Customer.objects.bulk_create(rows, batch_size=2000)


def projects_build(customers: list, rng: random.Random) -> list:
    from accounts_app.models import Project

    rows = [Project(number=1000 + n, name=f"Project {n}", customer=rng.choice(customers))
            for n in range(len(customers) * 3 // 2)]  # fmt: skip
    return Project.objects.bulk_create(rows, batch_size=2000)


def invoices_build(count, customers, projects, reference, rng) -> None:
    """Invoices over three years, oldest first, numbered in issue order; the newest 1 % are
    drafts, 1 % of the others credited by a credit note; most of the rest paid."""
    from accounts_app.models import Invoice, InvoiceNumberSeries

    start = datetime.date.today() - datetime.timedelta(days=3 * 365)
    drafts = count // 100
    finalized = count - drafts
    batch = 5000
    for offset in range(0, count, batch):
        rows = [invoice_row(n, finalized, start, count, customers, projects, reference, rng)
                for n in range(offset, min(offset + batch, count))]  # fmt: skip
        created = issued_invoices_create(rows, lambda made: lines_build(made, reference, rng))
        payments_build(created, rng)
    credit_notes_build(finalized, reference, rng)
    InvoiceNumberSeries.objects.update_or_create(
        name="invoices", defaults={"next_number": Invoice.objects.count() + 1}
    )


def invoice_row(n, finalized, start, count, customers, projects, reference, rng):
    from accounts_app.models import Invoice

    customer = rng.choice(customers)
    issue_date = start + datetime.timedelta(days=n * 3 * 365 // count)
    net = Decimal(rng.randrange(2, 400)) * Decimal("125.50")
    domestic = customer.vat_situation == "domestic"
    vat = (net * Decimal("0.25")).quantize(CENT) if domestic else CENT * 0
    state = rng.choices(["paid", "partly_paid", "finalized"], [80, 5, 15])[0]
    gross = net + vat
    paid = {"paid": gross, "partly_paid": (gross / 2).quantize(CENT), "finalized": CENT * 0}[state]
    is_draft = n >= finalized
    return Invoice(
        number=None if is_draft else n + 1, state="draft" if is_draft else state,
        customer=customer, project=rng.choice(projects) if rng.random() < 0.4 else None,
        issue_date=issue_date, payment_condition=customer.payment_condition,
        due_date=issue_date + datetime.timedelta(days=customer.payment_condition.days),
        currency=customer.currency, our_reference=rng.choice(["AB", "CD", "EF", ""]),
        their_reference=f"PO-{rng.randrange(10000, 99999)}" if rng.random() < 0.3 else "",
        net_total=net, vat_total=vat, gross_total=gross, amount_paid=CENT * 0 if is_draft else paid,
        finalized_at=None if is_draft else datetime.datetime.combine(
            issue_date, datetime.time(12), tzinfo=datetime.UTC),
    )  # fmt: skip


def lines_build(invoices, reference, rng) -> None:
    """Two lines per invoice whose amounts add up to the invoice's totals."""
    from accounts_app.models import InvoiceLine

    rows = []
    for invoice in invoices:
        first_net = (invoice.net_total / 2).quantize(CENT)
        first_vat = (invoice.vat_total / 2).quantize(CENT)
        for position, (net, vat) in enumerate([
            (first_net, first_vat),
            (invoice.net_total - first_net, invoice.vat_total - first_vat),
        ]):  # fmt: skip
            rows.append(InvoiceLine(
                invoice=invoice, position=position, service_type=rng.choice(reference["services"]),
                description=f"Work in period {invoice.issue_date:%Y-%m}", quantity=Decimal("1"),
                unit_price=net, vat_code=reference["vat"], sales_account=reference["sales"],
                net_amount=net, vat_amount=vat,
            ))  # fmt: skip
    InvoiceLine.objects.bulk_create(rows, batch_size=5000)


def payments_build(invoices, rng) -> None:
    from accounts_app.models import Payment

    rows = [
        Payment(invoice=invoice, date=invoice.due_date, amount=invoice.amount_paid,
                source=rng.choice(["manual", "import", "economic"]),
                external_reference=f"BANK-{invoice.number}")
        for invoice in invoices if invoice.amount_paid
    ]  # fmt: skip
    Payment.objects.bulk_create(rows, batch_size=5000)


def credit_notes_build(finalized: int, reference, rng) -> None:
    from accounts_app.models import Invoice

    credited = Invoice.objects.filter(state="finalized", number__lte=finalized).order_by("?")
    credited_ids = list(credited.values_list("pk", flat=True)[: finalized // 100])
    number = finalized + 1
    rows = []
    for invoice in Invoice.objects.filter(pk__in=credited_ids).iterator():
        rows.append(Invoice(
            number=number, state="finalized", customer_id=invoice.customer_id,
            issue_date=invoice.issue_date, payment_condition_id=invoice.payment_condition_id,
            due_date=invoice.due_date, currency=invoice.currency, credited_invoice=invoice,
            net_total=-invoice.net_total, vat_total=-invoice.vat_total,
            gross_total=-invoice.gross_total, notes=f"Credits invoice {invoice.number}",
            finalized_at=invoice.finalized_at,
        ))  # fmt: skip
        number += 1
    issued_invoices_create(rows, lambda made: lines_build(made, reference, rng))
    Invoice.objects.filter(pk__in=credited_ids).update(state="credited")


def users() -> dict[str, object]:
    from django.contrib.auth.models import Group, User

    superuser = User.objects.create_superuser("bench-admin", "admin@example.dk", "pw")
    clerk = User.objects.create_user("bench-clerk", password="pw", is_staff=True)
    clerk.groups.add(Group.objects.get(name="Finance clerk"))
    return {"superuser": superuser, "clerk": clerk}


def measure(client: Client, url: str, repeat: int) -> tuple[int, float, int]:
    """(queries, best milliseconds, rows on the page) of GET url; the first GET warms caches."""
    client.get(url)
    best = float("inf")
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            best = min(best, (time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    rows = response.content.count(b'<th class="field-')
    return len(queries), best, rows


def sql_print(client: Client, url: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for query in queries:
        print(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:300]}")


def report(options) -> bool:
    from accounts_app.models import Customer, Invoice, InvoiceLine, Payment

    print(f"database: {connection.vendor}; {Invoice.objects.count():,} invoices, "
          f"{InvoiceLine.objects.count():,} lines, {Customer.objects.count():,} customers, "
          f"{Payment.objects.count():,} payments")  # fmt: skip
    worst = 0
    for role, user in users().items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for model, name, query in PAGES:
            url = reverse(f"admin:accounts_app_{model}_changelist") + query
            count, milliseconds, rows = measure(client, url, options.repeat)
            worst = max(worst, count)
            print(f"{role:9} {model:8} {name:29} {count:2} queries {milliseconds:7.1f} ms "
                  f"{rows:3} rows  {'ok' if count <= GOAL else 'OVER GOAL'}")  # fmt: skip
            if options.sql:
                sql_print(client, url)
    print(f"most queries on one page: {worst} (goal <= {GOAL})")
    return worst <= GOAL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sql", action="store_true", help="print each page's statements")
    options = parser.parse_args()
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        ledger_build(options.invoices, random.Random(2026))
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a load this size; the plans depend on it.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"built the ledger in {time.perf_counter() - started:.0f} s")
        held = report(options)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    sys.exit(0 if held else 1)


if __name__ == "__main__":
    main()

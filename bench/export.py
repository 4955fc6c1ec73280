"""Exports, measured against the sandbox (30 ms latency, its default token bucket).

For each method, four scenarios over the same ledger, each exported to a fresh sandbox agreement
(an invoice goes once per connection):

  linked      customers already linked, PDF off: API calls per invoice and database round trips
              per invoice, for a tenth of the invoices and for all of them (the two must match,
              or there is an N+1), and wall time against the bucket's bound, 1 worker;
  linked x4   the same with 4 workers;
  new+pdf     customers created on first export and the PDF attached: the extra calls per new
              customer and per invoice, and wall time against the bound.

Database round trips are the statements sent (BEGIN included, as SQLite runs it) plus the
commits, counted on the one worker's connection. The bound is the time the token bucket alone
allows for the run's cost: (cost - capacity) / refill. Prints figures; it is not a test.

    .venv/bin/python bench/export.py [--invoices 1000] [--customers 200] [--methods draft,...]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from economic_sandbox.pytest_plugin import SandboxClient, SandboxProcess  # noqa: E402

LATENCY_MS = 30
agreement_numbers = itertools.count(9100001)


def build_ledger(invoices: int, customers: int) -> list[int]:
    from accounts_app.models import Customer, PaymentCondition, VatCode
    from accounts_app.services import invoice_create, invoice_finalize, invoice_line_add

    condition, _ = PaymentCondition.objects.get_or_create(name="Net 14 days", kind="net", days=14)
    vat, _ = VatCode.objects.get_or_create(code="S25", defaults={"name": "VAT", "rate": 25})
    people = [
        Customer.objects.create(number=10_000 + n, name=f"Bench customer {n}", address="Vejen 1",
                                zip_code="8000", city="Aarhus", payment_condition=condition)
        for n in range(customers)
    ]  # fmt: skip
    ids = []
    for n in range(invoices):
        invoice = invoice_create(customer=people[n % customers])
        for line in range(2):
            invoice_line_add(invoice=invoice, description=f"Work {line}", quantity=Decimal("3"),
                             unit_price=Decimal("125.50"), vat_code=vat)  # fmt: skip
        ids.append(invoice_finalize(invoice=invoice).pk)
    return ids


def connect(sandbox: SandboxClient, method: str, include_pdf: bool, linked: list | None):
    """A connection to a fresh agreement, set up as a person would; with `linked` customers,
    each has its card in e-conomic already and is linked."""
    from accounts_app.models import VatCode
    from integration.models import Connection, RateLimitBucket, RemoteRecord, VatCodePairing
    from integration.services.connections import connection_client, connection_test
    from integration.services.mappings import payment_conditions_pair
    from integration.services.reference import reference_refresh

    agreement = sandbox.create_agreement(agreementNumber=next(agreement_numbers))
    grant = agreement.get("grantToken") or f"sandbox-grant-{agreement['agreementNumber']}"
    connection = Connection.objects.create(
        name=f"Bench {agreement['agreementNumber']}", endpoint="sandbox", grant_token=grant,
        export_method=method, voucher_journal_number=1, include_pdf=include_pdf,
        default_layout_number=19, default_payment_terms_number=2, default_vat_zone_number=1,
        default_customer_group_number=1, default_product_number="1",
    )  # fmt: skip
    assert connection_test(connection=connection), connection.test_error
    reference_refresh(connection=connection, client=connection_client(connection=connection))
    u25 = RemoteRecord.objects.get(connection=connection, kind="vat_account", number="U25")
    VatCodePairing.objects.create(
        connection=connection, vat_code=VatCode.objects.get(), vat_account=u25
    )
    payment_conditions_pair(connection=connection)
    if linked:
        _link_customers(sandbox, connection, grant, linked)
    # The measured run starts with both buckets full (the set-up drew from them) and the
    # network slow again.
    RateLimitBucket.objects.all().delete()
    sandbox.set_faults(latency_ms=LATENCY_MS)
    sandbox.set_rate_limit(enabled=True)
    return connection


def _link_customers(sandbox: SandboxClient, connection, grant: str, customers: list) -> None:
    """Cards made straight in the sandbox, quickly (no latency, no limit): setting the scene,
    not part of what is measured."""
    from integration.models import CustomerLink
    from integration.models.mappings import CustomerLinkState

    sandbox.set_faults()
    sandbox.set_rate_limit(enabled=False)
    session = sandbox.session_for(grant)
    for customer in customers:
        card = {
            "customerNumber": customer.number, "name": customer.name, "currency": "DKK",
            "customerGroup": {"customerGroupNumber": 1}, "paymentTerms": {"paymentTermsNumber": 2},
            "vatZone": {"vatZoneNumber": 1},
        }  # fmt: skip
        session.post(sandbox.url("/customers"), json=card).raise_for_status()
    CustomerLink.objects.bulk_create(
        CustomerLink(connection=connection, customer=customer, state=CustomerLinkState.LINKED,
                     remote_number=customer.number)
        for customer in customers
    )  # fmt: skip


def export(connection, invoice_ids, workers: int):
    """Export and answer (run, seconds, round trips made by the one worker when workers == 1)."""
    from accounts_app.models import Invoice
    from integration.services.exports import export_run_refresh, export_run_start, export_run_work

    run = export_run_start(
        connection=connection, invoices=Invoice.objects.filter(pk__in=invoice_ids)
    )
    started = time.monotonic()
    if workers == 1:
        with RoundTripCounter() as counter:
            export_run_work(run=run)
        trips = counter
    else:
        threads = [threading.Thread(target=_work, args=(run,)) for _ in range(workers)]
        [thread.start() for thread in threads]
        [thread.join() for thread in threads]
        trips = None
    elapsed = time.monotonic() - started
    return export_run_refresh(run=run), elapsed, trips


class RoundTripCounter:
    """Counts every statement (CaptureQueriesContext keeps only the last 9,000) and every
    commit, which is a round trip of its own, on this thread's connection."""

    def __init__(self):
        self.statements = 0
        self.commits = 0

    def __enter__(self):
        wrapper = connections["default"]
        self._wrapped = wrapper.execute_wrapper(self._count)
        self._wrapped.__enter__()
        self._commit = wrapper._commit
        wrapper._commit = self._counted_commit
        return self

    def __exit__(self, *exc):
        connections["default"]._commit = self._commit
        return self._wrapped.__exit__(*exc)

    def _count(self, execute, sql, params, many, context):
        self.statements += 1
        return execute(sql, params, many, context)

    def _counted_commit(self):
        self.commits += 1
        return self._commit()

    @property
    def total(self) -> int:
        return self.statements + self.commits


def _work(run) -> None:
    from integration.services.exports import export_run_work

    try:
        export_run_work(run=run)
    finally:
        connections["default"].close()


def calls_of(run) -> dict[str, float]:
    calls = list(run.api_calls.values_list("method", "path", "cost"))
    customers = [call for call in calls if call[1].startswith("/customers")]
    pdfs = [call for call in calls if "attachment" in call[1]]
    return {"all": len(calls), "customers": len(customers), "pdf": len(pdfs),
            "cost": sum(call[2] for call in calls)}  # fmt: skip


def bound_seconds(cost: float) -> float:
    bucket = settings.ECONOMIC_RATE_LIMIT
    # Ours, which is e-conomic's and so the sandbox's (10,000 tokens per 60 s).
    return max(cost - bucket["capacity"], 0) / bucket["refill_per_second"]


def scenario(sandbox, method, invoice_ids, customers, workers, *, linked=True, pdf=False):
    chosen = _customers_of(invoice_ids) if linked else None
    connection = connect(sandbox, method, pdf, chosen)
    run, seconds, trips = export(connection, invoice_ids, workers)
    calls, count = calls_of(run), len(invoice_ids)
    per_invoice = (calls["all"] - calls["customers"] - calls["pdf"]) / count
    bound = bound_seconds(calls["cost"])
    name = "linked" if linked else "new"
    database_figure = (
        f"db round trips/invoice {trips.total / count:5.2f} "
        f"({trips.statements / count:.2f} statements + {trips.commits / count:.2f} commits)"
        if trips else "db round trips/invoice   -  (counted with 1 worker)"
    )  # fmt: skip
    print(
        f"{method:7} customers={name:6} pdf={'on ' if pdf else 'off'} invoices={count:5} "
        f"workers={workers} done={run.done:5} failed={run.failed:3} | "
        f"calls/invoice {per_invoice:.3f} | "
        f"calls/new customer {calls['customers'] / customers if not linked else 0:.2f} | "
        f"pdf calls/invoice {calls['pdf'] / count:.2f} | {database_figure} | "
        f"wall {seconds:6.1f} s, bucket bound {bound:6.1f} s, bound/wall {bound / seconds:.2f}",
        flush=True,
    )
    return count, trips.total if trips else None


def _customers_of(invoice_ids) -> list:
    from accounts_app.models import Customer

    return list(Customer.objects.filter(invoices__pk__in=invoice_ids).distinct())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--methods", default="draft,booked,voucher")
    parser.add_argument(
        "--scenarios", default="linked,workers,new-pdf",
        help="which to run: linked (a tenth and all, 1 worker), workers (all, 4 workers), "
        "new-pdf (customers created, PDF on)",
    )  # fmt: skip
    options = parser.parse_args()
    chosen = set(options.scenarios.split(","))
    call_command("migrate", verbosity=0)
    # e-conomic's work is not ours: the sandbox serves from its own process, not from a thread
    # that would share this one's interpreter lock.
    running = SandboxProcess(None).start()
    sandbox = running.client()
    sandbox.reset()
    sandbox.set_faults(latency_ms=LATENCY_MS)
    settings.ECONOMIC_ENDPOINTS["sandbox"].update(
        rest_url=sandbox.base_url, openapi_url=sandbox.base_url, app_secret_token=sandbox.app_token
    )
    print(f"{options.invoices} invoices for {options.customers} customers; sandbox latency "
          f"{LATENCY_MS} ms; our bucket {settings.ECONOMIC_RATE_LIMIT['capacity']:.0f} tokens, "
          f"{settings.ECONOMIC_RATE_LIMIT['refill_per_second']:.0f}/s; "
          f"{os.getloadavg()[0]:.2f} load", flush=True)  # fmt: skip
    ids = build_ledger(options.invoices, options.customers)
    tenth = ids[: max(len(ids) // 10, 1)]
    for method in options.methods.split(","):
        if "linked" in chosen:
            small, small_trips = scenario(sandbox, method, tenth, 0, 1)
            large, large_trips = scenario(sandbox, method, ids, 0, 1)
            if large > small:
                # What each further invoice costs, without the run's fixed statements.
                marginal = (large_trips - small_trips) / (large - small)
                print(f"{method:7} db round trips per further invoice, {small} -> {large} "
                      f"invoices: {marginal:.2f}", flush=True)  # fmt: skip
        if "workers" in chosen:
            scenario(sandbox, method, ids, 0, 4)
        if "new-pdf" in chosen:
            scenario(sandbox, method, ids, options.customers, 1, linked=False, pdf=True)
    running.stop()


if __name__ == "__main__":
    main()

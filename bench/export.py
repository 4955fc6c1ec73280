"""Exports, measured against the sandbox (30 ms latency, its default token bucket).

For each method: API calls per invoice with customers linked and PDF off, extra calls per new
customer, extra calls per invoice with the PDF, database queries per invoice (the same for a
small and a large run, or there is an N+1), and wall time against the time the token bucket
alone sets (its bound), with 1 and 4 workers.

Each scenario exports the same ledger to a fresh sandbox agreement (an invoice goes once per
connection). Prints figures; it is not a test.

    .venv/bin/python bench/export.py [--invoices 1000] [--customers 200] [--pdf-invoices 50]
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
from django.db import connection as database  # noqa: E402

from economic_sandbox.pytest_plugin import SandboxClient, start_in_thread  # noqa: E402

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


def connect(sandbox: SandboxClient, method: str, include_pdf: bool):
    from accounts_app.models import VatCode
    from integration.models import Connection, RemoteRecord, VatCodePairing
    from integration.services.connections import connection_client, connection_test
    from integration.services.mappings import payment_conditions_pair
    from integration.services.reference import reference_refresh

    agreement = sandbox.create_agreement(agreementNumber=next(agreement_numbers))
    connection = Connection.objects.create(
        name=f"Bench {agreement['agreementNumber']}", endpoint="sandbox",
        grant_token=agreement.get("grantToken") or f"sandbox-grant-{agreement['agreementNumber']}",
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
    return connection


def export(connection, invoice_ids, workers: int):
    """Export and answer (run, seconds, queries made by the one worker when workers == 1)."""
    from accounts_app.models import Invoice
    from integration.services.exports import export_run_refresh, export_run_start, export_run_work

    run = export_run_start(
        connection=connection, invoices=Invoice.objects.filter(pk__in=invoice_ids)
    )
    started = time.monotonic()
    if workers == 1:
        counter = QueryCounter()
        with database.execute_wrapper(counter):
            export_run_work(run=run)
        count = counter.count
    else:
        threads = [threading.Thread(target=_work, args=(run,)) for _ in range(workers)]
        [thread.start() for thread in threads]
        [thread.join() for thread in threads]
        count = None
    elapsed = time.monotonic() - started
    return export_run_refresh(run=run), elapsed, count


class QueryCounter:
    """Counts every statement (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _work(run) -> None:
    from integration.services.exports import export_run_work

    try:
        export_run_work(run=run)
    finally:
        database.close()


def calls_of(run) -> dict[str, float]:
    calls = list(run.api_calls.values_list("method", "path", "cost"))
    customers = [call for call in calls if call[1].startswith("/customers")]
    pdfs = [call for call in calls if "attachment" in call[1]]
    return {"all": len(calls), "customers": len(customers), "pdf": len(pdfs),
            "cost": sum(call[2] for call in calls)}  # fmt: skip


def bound_seconds(cost: float) -> float:
    bucket = settings.ECONOMIC_RATE_LIMIT
    refill = min(bucket["refill_per_second"], 10.0)  # ours, or the sandbox's 10/s
    return max(cost - bucket["capacity"], 0) / refill


def scenario(sandbox, method, invoice_ids, customers, workers, pdf=False):
    connection = connect(sandbox, method, pdf)
    run, seconds, queries = export(connection, invoice_ids, workers)
    calls, count = calls_of(run), len(invoice_ids)
    per_invoice = (calls["all"] - calls["customers"] - calls["pdf"]) / count
    bound = bound_seconds(calls["cost"])
    print(
        f"{method:8} pdf={'on ' if pdf else 'off'} invoices={count:5} workers={workers} "
        f"done={run.done:5} failed={run.failed:3} | calls/invoice {per_invoice:.3f} | "
        f"calls/new customer {calls['customers'] / customers:.2f} | "
        f"pdf calls/invoice {calls['pdf'] / count:.2f} | "
        f"db queries/invoice {queries / count if queries else float('nan'):.1f} | "
        f"wall {seconds:6.1f} s, bucket bound {bound:6.1f} s ({bound / seconds:.0%})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--pdf-invoices", type=int, default=50)
    parser.add_argument("--methods", default="draft,booked,voucher")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    running = start_in_thread()
    sandbox = SandboxClient(running.base_url)
    sandbox.reset()
    sandbox.set_faults(latency_ms=LATENCY_MS)
    settings.ECONOMIC_ENDPOINTS["sandbox"].update(
        rest_url=sandbox.base_url, openapi_url=sandbox.base_url, app_secret_token=sandbox.app_token
    )
    ids = build_ledger(options.invoices, options.customers)
    small = ids[: max(len(ids) // 10, 1)]
    for method in options.methods.split(","):
        scenario(sandbox, method, small, min(options.customers, len(small)), 1)
        scenario(sandbox, method, ids, options.customers, 1)
        scenario(sandbox, method, ids, options.customers, 4)
        pdf_ids = ids[: options.pdf_invoices]
        scenario(sandbox, method, pdf_ids, min(options.customers, len(pdf_ids)), 1, pdf=True)
    running.stop()


if __name__ == "__main__":
    main()

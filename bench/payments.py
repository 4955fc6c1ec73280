"""Payment import, measured against the sandbox: API calls, wall time and peak memory of one
import when 5 % of the exported invoices changed since the last one (half paid in full, half
partly paid), for a small and a ten times larger ledger (memory should stay flat).

The sandbox runs as its own process (so tracemalloc measures only the import), started from a
state file this script writes: the booked invoices are cloned from one booked through the API,
which takes seconds where 50,000 drafts and bookings over HTTP would take minutes. Our side is
bulk-inserted: finalized invoices as the last import left them, each with its InvoiceExport.
Each size is measured twice on separate copies of the ledger: once for wall time, once under
tracemalloc (which slows Python down). Prints figures; it is not a test.

    .venv/bin/python bench/payments.py [--sizes 5000 50000] [--changed 0.05]
"""

from __future__ import annotations

import argparse
import copy
import datetime
import math
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="ledger-bench-payments-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from economic_sandbox import persistence  # noqa: E402
from economic_sandbox.pytest_plugin import SandboxClient, free_port, start_in_thread  # noqa: E402
from economic_sandbox.resources.booked import BOOKED  # noqa: E402

GROSS = Decimal("250.00")


def sandbox_state(path: Path, invoices: int, changed: float) -> None:
    """A state file whose agreement 9000001 holds `invoices` booked invoices numbered 1..n; of
    the first `changed` share, the even ones are paid in full, the odd ones partly."""
    running = start_in_thread()
    try:
        client = SandboxClient(running.base_url)
        body = {"date": datetime.date.today().isoformat(), "currency": "DKK",
                "customer": {"customerNumber": 1}, "layout": {"layoutNumber": 19},
                "paymentTerms": {"paymentTermsNumber": 1},
                "recipient": {"name": "Bench", "vatZone": {"vatZoneNumber": 1}},
                "lines": [{"product": {"productNumber": "1"}, "quantity": 2,
                           "unitNetPrice": 100}]}  # fmt: skip
        draft = client.post("/invoices/drafts", json=body).json()
        booking = {"draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]}}
        number = client.post("/invoices/booked", json=booking).json()["bookedInvoiceNumber"]
        agreement = running.app.world.get(client.agreement_number)
        table = agreement.table(BOOKED)
        template = table[number]
        table.clear()  # only the bench's invoices, so every unpaid page is ours
        for number in range(1, invoices + 1):
            table[number] = _clone(template, number, _remainder(number, invoices, changed))
        agreement.counters[BOOKED] = invoices
        persistence.save(path, running.app.world, running.app.idempotency.saved)
    finally:
        running.stop()


def _clone(template: dict, number: int, remainder: Decimal) -> dict:
    booked = copy.deepcopy(template)
    remainder = type(template["remainder"])(str(remainder))  # stored as the sandbox stores it
    booked.update(bookedInvoiceNumber=number, orderNumber=number, remainder=remainder,
                  remainderInBaseCurrency=remainder,
                  references={"other": f"BENCH-{number}"})  # fmt: skip
    return booked


def _remainder(number: int, invoices: int, changed: float) -> Decimal:
    if number > invoices * changed:
        return GROSS
    return Decimal("0.00") if number % 2 == 0 else Decimal("100.00")


def sandbox_start(state: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "economic_sandbox", "--port", str(port), "--state", str(state),
         "--no-rate-limit", "--daily-cap", "100000000"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(scratch / "sandbox.log", "w"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    client = SandboxClient(url)
    for _ in range(300):
        try:
            client.call_control("GET", "/health")
            return process, url
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.1)
    raise SystemExit("The sandbox did not start.")


def ledger(name: str, invoices: int):
    """A connection and `invoices` finalized invoices exported to booked numbers 1..n."""
    from accounts_app.models import Customer, Invoice, PaymentCondition
    from integration.models import Connection, InvoiceExport

    condition, _ = PaymentCondition.objects.get_or_create(name="Net 8", kind="net", days=8)
    customer, _ = Customer.objects.get_or_create(
        number=1, defaults={"name": "Bench ApS", "payment_condition": condition}
    )
    connection = Connection.objects.create(
        name=name, endpoint="sandbox", grant_token="sandbox-grant-1", payment_sync="partial",
        payments_since=datetime.date.today(),
    )  # fmt: skip
    offset = Invoice.objects.count()
    today = datetime.date.today()
    Invoice.objects.bulk_create(
        Invoice(number=offset + n, state="finalized", customer=customer,
                payment_condition=condition,
                issue_date=today, due_date=today, net_total=Decimal("200.00"),
                vat_total=Decimal("50.00"), gross_total=GROSS, amount_paid=Decimal("0.00"))
        for n in range(1, invoices + 1)
    )  # fmt: skip
    ids = Invoice.objects.filter(number__gt=offset).order_by("number").values_list("pk", flat=True)
    InvoiceExport.objects.bulk_create(
        InvoiceExport(connection=connection, invoice_id=pk, method="booked", booked_number=n,
                      economic_number=str(n))
        for n, pk in enumerate(ids.iterator(), 1)
    )  # fmt: skip
    return connection


def measure(connection, traced: bool) -> tuple:
    from integration.services.payments import payments_import

    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    run = payments_import(connection=connection, trigger="manual")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    assert run.error == "", run.error
    return run, seconds, peak


def one_size(invoices: int, changed: float) -> None:
    state = scratch / f"sandbox-{invoices}.json"
    sandbox_state(state, invoices, changed)
    process, url = sandbox_start(state)
    settings.ECONOMIC_ENDPOINTS["sandbox"].update(rest_url=url, openapi_url=url)
    try:
        timed, seconds, _ = measure(ledger(f"Timed {invoices}", invoices), traced=False)
        _, traced_seconds, peak = measure(ledger(f"Traced {invoices}", invoices), traced=True)
    finally:
        process.terminate()
        process.wait(timeout=10)
    report(invoices, changed, timed, seconds, traced_seconds, peak)


def report(invoices, changed, run, seconds, traced_seconds, peak) -> None:
    from django.db.models import Sum

    remote = run.calls.aggregate(total=Sum("duration_ms"))["total"] / 1000
    changes = int(invoices * changed)
    paid = changes // 2
    unpaid = invoices - paid
    goal = math.ceil(unpaid / 1000) + math.ceil(changes / 200) + 2
    print(
        f"{invoices:>7} invoices, {changes} changed ({run.paid} paid, {run.partial} partial, "
        f"{run.unchanged} unchanged): {run.api_calls} API calls (goal <= {goal}); "
        f"{seconds:.1f} s wall, of it {remote:.1f} s waiting for e-conomic "
        f"({traced_seconds:.1f} s under tracemalloc); "
        f"peak memory {peak / 1_000_000:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--changed", type=float, default=0.05)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    for invoices in options.sizes:
        one_size(invoices, options.changed)


if __name__ == "__main__":
    main()

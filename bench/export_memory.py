"""Memory of a real django-q2 worker while it exports 1,000 and then 10,000 invoices: the
worker's peak RSS should be flat, the larger run within a small margin of the smaller.

Each size is one export run (draft invoices, customers created on the way) to its own sandbox
agreement, worked by a fresh `manage.py qcluster` process with one worker, as in production:
the run is started here, django-q2 (its ORM broker, or Redis when REDIS_URL is set) hands the
task to the worker, and this script samples the RSS of every process of the cluster from /proc
until the run finishes. The sandbox runs as its own process with no rate limit, and our side's
token bucket is raised for the worker, so the run is bound by the work and not by waiting.

The database is a scratch one made for the run and dropped after it: a temporary SQLite file by
default, or the test database of DATABASE_URL (test_<name>) when it is given. The ledger is
bulk-inserted as the services would leave it (finalized, numbered, totals from the lines).
Prints figures; it is not a test.

    .venv/bin/python bench/export_memory.py [--sizes 1000 10000] [--margin-mb 10]
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="ledger-bench-export-memory-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
os.environ["TEST_DB_NAME"] = str(scratch / "test.sqlite3")  # never the shared test file
# The queue's own name, here and in the cluster, so that no other cluster on the same Redis
# takes its tasks.
os.environ["Q_CLUSTER_NAME"] = f"bench-export-memory-{uuid.uuid4().hex[:8]}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection as database  # noqa: E402

from bench.issued import issued_invoices_create  # noqa: E402
from economic_sandbox.pytest_plugin import APP_SECRET_TOKEN, SandboxProcess  # noqa: E402

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
INVOICES_PER_CUSTOMER = 20
agreement_numbers = itertools.count(9300001)
invoice_numbers = itertools.count(1)
customer_numbers = itertools.count(1)


# -- the ledger -------------------------------------------------------------------------------


def ledger_build(size: int) -> list[int]:
    """`size` finalized invoices with two lines each, for size / 20 new customers."""
    from accounts_app.models import Customer, PaymentCondition, VatCode

    condition, _ = PaymentCondition.objects.get_or_create(
        name="Netto 14 dage", defaults={"kind": "net", "days": 14}
    )
    vat, _ = VatCode.objects.get_or_create(code="S25", defaults={"name": "VAT", "rate": 25})
    customers = Customer.objects.bulk_create(
        Customer(number=number, name=f"Kunde {number} ApS", address="Vejen 1", zip_code="8000",
                 city="Aarhus C", payment_condition=condition)
        for number in itertools.islice(customer_numbers, max(size // INVOICES_PER_CUSTOMER, 1))
    )  # fmt: skip
    ids = []
    for start in range(0, size, 2000):
        rows = [
            _invoice(next(invoice_numbers), customers[n % len(customers)], condition)
            for n in range(start, min(start + 2000, size))
        ]
        created = issued_invoices_create(rows, lambda made: _lines_build(made, vat))
        ids += [invoice.pk for invoice in created]
    return ids


def _invoice(number: int, customer, condition):
    import datetime

    from accounts_app.models import Invoice

    net, vat = _amounts(number)
    today = datetime.date.today()
    return Invoice(
        number=number, state="finalized", customer=customer, payment_condition=condition,
        issue_date=today, due_date=today + datetime.timedelta(days=14),
        our_reference="AB", net_total=net * 2, vat_total=vat * 2, gross_total=(net + vat) * 2,
        finalized_at=datetime.datetime.now(datetime.UTC),
    )  # fmt: skip


def _amounts(number: int):
    from accounts_app.money import line_amounts

    amounts = line_amounts(quantity=Decimal("3"), unit_price=_price(number),
                           discount_percent=Decimal("0"), vat_rate=Decimal("25"))  # fmt: skip
    return amounts.net, amounts.vat


def _price(number: int) -> Decimal:
    return Decimal("100.00") + Decimal(number % 997) / 4


def _lines_build(invoices, vat) -> None:
    from accounts_app.models import InvoiceLine

    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, position=position, description=f"Konsulenttimer {position}",
                    quantity=Decimal("3"), unit_price=_price(invoice.number), vat_code=vat,
                    net_amount=_amounts(invoice.number)[0], vat_amount=_amounts(invoice.number)[1])
        for invoice in invoices
        for position in (1, 2)
    )  # fmt: skip


def connect(sandbox_url: str):
    """A connection to a fresh sandbox agreement, ready to export drafts."""
    from accounts_app.models import VatCode
    from economic_sandbox.pytest_plugin import SandboxClient
    from integration.models import Connection, RemoteRecord, VatCodePairing
    from integration.services.connections import connection_client, connection_test
    from integration.services.mappings import payment_conditions_pair
    from integration.services.reference import reference_refresh

    number = next(agreement_numbers)
    agreement = SandboxClient(sandbox_url).create_agreement(agreementNumber=number)
    connection = Connection.objects.create(
        name=f"Bench {number}", endpoint="sandbox", export_method="draft",
        grant_token=agreement.get("grantToken") or f"sandbox-grant-{number}",
        default_layout_number=19, default_payment_terms_number=2, default_vat_zone_number=1,
        default_customer_group_number=1, default_product_number="1",
    )  # fmt: skip
    assert connection_test(connection=connection), connection.test_error
    reference_refresh(connection=connection, client=connection_client(connection=connection))
    u25 = RemoteRecord.objects.get(connection=connection, kind="vat_account", number="U25")
    VatCodePairing.objects.create(
        connection=connection, vat_code=VatCode.objects.get(code="S25"), vat_account=u25
    )
    payment_conditions_pair(connection=connection)
    return connection


# -- the cluster and its memory ---------------------------------------------------------------


def cluster_environment(sandbox: SandboxProcess) -> dict:
    db = database.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/"
               f"{db['NAME']}")  # fmt: skip
    return {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": url,
        "SANDBOX_URL": sandbox.base_url, "SANDBOX_APP_SECRET_TOKEN": APP_SECRET_TOKEN,
        "Q_WORKERS": "1", "LOG_LEVEL": "WARNING",
        "ECONOMIC_BUCKET_CAPACITY": "1000000", "ECONOMIC_BUCKET_REFILL": "1000000",
    }  # fmt: skip


class MemorySampler(threading.Thread):
    """Samples the RSS and CPU time of a process and all its descendants every 0.1 s."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peaks: dict[int, int] = {}  # pid -> peak RSS in bytes
        self.first: dict[int, int] = {}  # pid -> RSS when first seen during the run
        self.cpu: dict[int, int] = {}  # pid -> CPU ticks at the last sample
        self.cpu_first: dict[int, int] = {}  # pid -> CPU ticks when first seen
        self.timeline: dict[int, list[int]] = {}  # pid -> RSS at each sample
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.1):
            self.sample()

    def sample(self) -> None:
        for pid in descendants(self.root_pid) | {self.root_pid}:
            figures = rss_and_cpu(pid)
            if figures is None:
                continue
            rss, ticks = figures
            self.first.setdefault(pid, rss)
            self.cpu_first.setdefault(pid, ticks)
            self.peaks[pid] = max(self.peaks.get(pid, 0), rss)
            self.timeline.setdefault(pid, []).append(rss)
            self.cpu[pid] = ticks

    def worker(self) -> int:
        """The process that did the work: the one that spent the most CPU time while sampled."""
        return max(self.cpu, key=lambda pid: self.cpu[pid] - self.cpu_first[pid])


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # it ended while we looked
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def rss_and_cpu(pid: int) -> tuple[int, int] | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command name: state is field 3; utime, stime are 14 and 15; rss is 24.
    return int(fields[21]) * PAGE_SIZE, int(fields[11]) + int(fields[12])


def cluster_start(sandbox: SandboxProcess, log_path: Path) -> subprocess.Popen:
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=cluster_environment(sandbox),
        stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    # The sentinel, monitor, pusher and one worker are up once the tree has four processes.
    while len(descendants(cluster.pid)) < 4:
        if cluster.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"The qcluster did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    time.sleep(2)  # settled: imports done, the broker polled once
    return cluster


# -- one run ----------------------------------------------------------------------------------


def one_size(size: int, sandbox: SandboxProcess) -> dict:
    from accounts_app.models import Invoice
    from integration.models import ExportRun
    from integration.services.exports import export_run_start

    ids = ledger_build(size)
    connection = connect(sandbox.base_url)
    cluster = cluster_start(sandbox, scratch / f"qcluster-{size}.log")
    sampler = MemorySampler(cluster.pid)
    sampler.sample()
    sampler.start()
    started = time.monotonic()
    try:
        run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk__in=ids))
        run = wait_for(run, cluster, scratch / f"qcluster-{size}.log")
    finally:
        sampler.stopping.set()
        sampler.join()
        cluster.terminate()
        cluster.wait(timeout=60)
    seconds = time.monotonic() - started
    worker = sampler.worker()
    run = ExportRun.objects.get(pk=run.pk)
    return {
        "size": size, "done": run.done, "failed": run.failed, "seconds": seconds,
        "calls": run.api_calls.count(), "idle": sampler.first[worker],
        "peak": sampler.peaks[worker], "cluster_peak": sum(sampler.peaks.values()),
        "tenths": tenths(sampler.timeline[worker]),
    }  # fmt: skip


def tenths(samples: list[int]) -> list[int]:
    """The highest RSS within each tenth of the run: a leak climbs, a flat worker levels off."""
    size = len(samples) / 10
    return [max(samples[int(n * size) : max(int((n + 1) * size), int(n * size) + 1)])
            for n in range(10)]  # fmt: skip


def wait_for(run, cluster: subprocess.Popen, log_path: Path):
    """The run once finished; a task that failed or a cluster that died ends the benchmark."""
    from django_q.models import Failure

    from integration.models import ExportRun

    deadline = time.monotonic() + 3600
    while (run := ExportRun.objects.get(pk=run.pk)).finished_at is None:
        failure = Failure.objects.first()
        if failure is not None:
            raise SystemExit(f"The worker's task failed:\n{failure.result}")
        if cluster.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"The run did not finish:\n{log_path.read_text()[-3000:]}")
        time.sleep(1)
    return run


def report(result: dict) -> None:
    megabytes = {key: result[key] / 1_000_000 for key in ("idle", "peak", "cluster_peak")}
    print(
        f"{result['size']:>6} invoices: {result['done']} done, {result['failed']} failed, "
        f"{result['calls']} API calls, {result['seconds']:.0f} s | worker RSS idle "
        f"{megabytes['idle']:.1f} MB, peak {megabytes['peak']:.1f} MB "
        f"(+{megabytes['peak'] - megabytes['idle']:.1f} MB); all cluster processes' peaks "
        f"{megabytes['cluster_peak']:.1f} MB",
        flush=True,
    )
    shown = " ".join(f"{rss / 1_000_000:.0f}" for rss in result["tenths"])
    print(f"        worker RSS peak in each tenth of the run (MB): {shown}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--margin-mb", type=float, default=10.0)
    options = parser.parse_args()
    original = database.settings_dict["NAME"]
    database.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    sandbox = SandboxProcess(None, "--no-rate-limit", "--daily-cap", "100000000").start()
    settings.ECONOMIC_ENDPOINTS["sandbox"].update(
        rest_url=sandbox.base_url, openapi_url=sandbox.base_url, app_secret_token=APP_SECRET_TOKEN
    )
    broker = "Redis" if settings.Q_CLUSTER.get("redis") else "ORM"
    print(f"database: {database.vendor}; broker: {broker}; logs in {scratch}", flush=True)
    try:
        results = []
        for size in options.sizes:
            results.append(result := one_size(size, sandbox))
            report(result)
    finally:
        sandbox.stop()
        database.creation.destroy_test_db(original, verbosity=0)
    growth = (results[-1]["peak"] - results[0]["peak"]) / 1_000_000
    flat = growth <= options.margin_mb
    verdict = "flat" if flat else "GROWS"
    print(f"worker peak at {results[-1]['size']} invoices minus at {results[0]['size']}: "
          f"{growth:+.1f} MB ({verdict}: margin {options.margin_mb} MB)")  # fmt: skip
    sys.exit(0 if flat else 1)


if __name__ == "__main__":
    main()

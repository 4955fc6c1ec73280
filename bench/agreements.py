"""A bureau's many agreements, measured: 4 real workers in one `qcluster` (as one machine runs
them; `--clusters` splits them as over several machines) export drafts (customers linked, PDF
off) for 20 agreements of 100 invoices each at once, then for one agreement of 2,000, to a
sandbox at 30 ms latency with e-conomic's bucket (10,000 tokens per 60 s per agreement).
Prints, per phase:

- wall time against the bound the busiest agreement's bucket sets, (tokens - capacity) / refill
  (0 when no agreement spends more than its bucket holds), and against the bound 30 ms a call
  sets for 4 workers (calls x 30 ms / 4), the one that binds when the buckets do not;
- our CPU per invoice: the workers' processes (every process of each cluster; and the part of
  it the clusters spend as long when idle, measured for 5 s before) and this one's (which
  starts the runs), against the goal of 5 ms;
- invoices per second, and for the one agreement the rate its bucket allows
  (refill / tokens per invoice once the 10,000 it starts with are spent);
- the 429s drawn (goal 0).

The ledger lives in a scratch database (a fresh PostgreSQL database on the server DATABASE_URL
names, or an SQLite file), dropped at the end. Prints figures; it is not a test.

    [DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledger_bridge REDIS_URL=redis://...] \\
        .venv/bin/python bench/agreements.py [--agreements 20] [--invoices 100] \\
        [--single 2000] [--workers 4] [--clusters 1]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from soak.processes import ScratchDatabase, Worker  # noqa: E402

BASE_DATABASE_URL = os.environ.get("DATABASE_URL", "")
scratch = ScratchDatabase.create(BASE_DATABASE_URL)
os.environ["DATABASE_URL"] = scratch.url
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
# A queue of its own, so no task left in a shared Redis by something else is picked up.
os.environ["Q_CLUSTER_NAME"] = f"agreements-bench-{os.getpid()}"

import django  # noqa: E402

django.setup()
logging.getLogger("django-q").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.export import build_ledger, connect  # noqa: E402
from economic_sandbox.pytest_plugin import SandboxProcess  # noqa: E402

LATENCY_MS = 30
CUSTOMERS = 200
TICKS = os.sysconf("SC_CLK_TCK")
IDLE_SECONDS = 5


def cluster_cpu_seconds(session_ids: set[int]) -> float:
    """CPU used by every process of the given sessions (each cluster is one), the children it
    has reaped included, from /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[3]) in session_ids:  # fields[3]: the session id
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / TICKS


def start_workers(
    count: int, clusters: int, sandbox: SandboxProcess, log_folder: Path
) -> list[Worker]:
    """`count` workers in `clusters` clusters (one machine's `qcluster` each), waited for until
    each says it is running."""
    log_folder.mkdir(parents=True)
    environment = {**os.environ, "SANDBOX_URL": sandbox.base_url,
                   "Q_WORKERS": str(count // clusters), "LOG_LEVEL": "INFO"}  # fmt: skip
    workers = [Worker(number, environment, log_folder).start() for number in range(clusters)]
    deadline = time.monotonic() + 60
    for worker in workers:
        while "running." not in worker.log_path.read_text():
            if worker.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"qcluster did not start:\n{worker.log_path.read_text()}")
            time.sleep(0.1)
    return workers


def requests_of(sandbox, agreement: int, since: int) -> list[dict]:
    found: list[dict] = []
    while page := sandbox.request_log(since, agreement=agreement):
        found += page
        since = page[-1]["id"]
    return found


def phase(
    name: str, sandbox: SandboxProcess, slices: list[list[int]], workers: int, clusters: int
) -> None:
    """Connect one agreement per slice of invoices, then export every slice at once."""
    from accounts_app.models import Customer, Invoice
    from integration.models import ExportRun
    from integration.services.exports import export_run_start

    client = sandbox.client()
    connections = []
    for invoice_ids in slices:
        customers = list(Customer.objects.filter(invoices__pk__in=invoice_ids).distinct())
        connections.append(connect(client, "draft", include_pdf=False, linked=customers))
    running = start_workers(workers, clusters, sandbox, scratch.folder / name)
    sessions = {worker.pid for worker in running}
    idle_before = cluster_cpu_seconds(sessions)
    time.sleep(IDLE_SECONDS)  # what the clusters spend with nothing to do (polling, monitors)
    idle_rate = (cluster_cpu_seconds(sessions) - idle_before) / IDLE_SECONDS
    since = client.last_request_id()
    cpu_before, ours_before = cluster_cpu_seconds(sessions), time.process_time()
    started = time.monotonic()
    try:
        runs = [
            export_run_start(connection=connection, invoices=Invoice.objects.filter(pk__in=ids))
            for connection, ids in zip(connections, slices, strict=True)
        ]
        while ExportRun.objects.filter(pk__in=[run.pk for run in runs], finished_at=None).exists():
            time.sleep(0.1)
        wall = time.monotonic() - started
        cpu = cluster_cpu_seconds(sessions) - cpu_before
    finally:
        for worker in running:
            worker.stop()
    ours = time.process_time() - ours_before
    report(name, client, connections, runs, since, wall, (cpu, idle_rate * wall), ours, workers)


def report(name, client, connections, runs, since, wall, cpu, ours, workers) -> None:
    """cpu: the workers' CPU seconds during the phase, and what idle clusters spend as long."""
    from integration.models import ExportRun

    invoices = sum(run.total for run in runs)
    done = sum(run.done for run in ExportRun.objects.filter(pk__in=[run.pk for run in runs]))
    bucket = settings.ECONOMIC_RATE_LIMIT
    logged = [requests_of(client, c.agreement_number, since) for c in connections]
    tokens = [sum(e.get("cost") or 0 for e in log if e["status"] != 429) for log in logged]
    calls = sum(len(log) for log in logged)
    refused = sum(1 for log in logged for entry in log if entry["status"] == 429)
    bucket_bound = max(max(tokens) - bucket["capacity"], 0) / bucket["refill_per_second"]
    latency_bound = calls * LATENCY_MS / 1000 / workers
    bound = max(bucket_bound, latency_bound)
    per_invoice = max(tokens) / (invoices / len(runs))
    print(
        f"{name}: {len(runs)} agreements x {invoices // len(runs)} invoices, {workers} workers | "
        f"done {done}/{invoices} | 429s {refused} | calls {calls} | busiest agreement "
        f"{max(tokens):.0f} tokens | wall {wall:.1f} s | bucket bound {bucket_bound:.1f} s | "
        f"30 ms bound {latency_bound:.1f} s | bound/wall {bound / wall:.2f} | "
        f"{invoices / wall:.1f} invoices/s (the bucket allows "
        f"{bucket['refill_per_second'] / per_invoice:.0f}/s once its {bucket['capacity']:.0f} "
        f"are spent) | CPU/invoice {1000 * cpu[0] / invoices:.2f} ms workers (of which "
        f"{1000 * cpu[1] / invoices:.2f} the clusters spend idle) + "
        f"{1000 * ours / invoices:.2f} ms starting the runs (goal 5)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agreements", type=int, default=20)
    parser.add_argument("--invoices", type=int, default=100, help="per agreement")
    parser.add_argument("--single", type=int, default=2000, help="invoices of the one agreement")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clusters", type=int, default=1,
                        help="qcluster processes sharing the workers, as on that many machines")
    options = parser.parse_args()
    sandbox = SandboxProcess(None, f"--latency-ms={LATENCY_MS}").start()
    try:
        settings.ECONOMIC_ENDPOINTS["sandbox"].update(
            rest_url=sandbox.base_url, openapi_url=sandbox.base_url,
            app_secret_token=sandbox.client().app_token,
        )  # fmt: skip
        settings.Q_CLUSTER["workers"] = options.workers  # each run rings a task per worker
        call_command("migrate", verbosity=0)
        total = max(options.agreements * options.invoices, options.single)
        print(f"{scratch.describe()}; broker and bucket: "
              f"{'Redis' if settings.REDIS_URL else 'the database'}; sandbox at {LATENCY_MS} ms "
              f"with e-conomic's bucket; {os.getloadavg()[0]:.2f} load", flush=True)  # fmt: skip
        ids = build_ledger(total, CUSTOMERS)
        # Invoice n goes to customer n % customers: a slice of consecutive invoices has its own.
        step = options.invoices
        by_agreement = [ids[index * step:(index + 1) * step] for index in range(options.agreements)]
        phase("bureau", sandbox, by_agreement, options.workers, options.clusters)
        phase("one agreement", sandbox, [ids[: options.single]], options.workers,
              options.clusters)  # fmt: skip
    finally:
        sandbox.stop()
        from django.db import connections

        connections.close_all()
        scratch.drop(BASE_DATABASE_URL)


if __name__ == "__main__":
    main()

"""The shared token bucket, measured: 1 and then 4 real `qcluster` processes (as on 1 and 4
machines) export invoices to one sandbox agreement and read its reference data at the same
time, and the sandbox's request log counts the 429s they drew (goal 0: every worker paces
itself from the one bucket per agreement, kept in Redis when REDIS_URL is set, otherwise in the
database). Prints per phase: the 429s, calls, tokens spent, wall time and the time the bucket
alone sets (its bound). `--unpaced` adds a phase of 4 workers whose buckets are opened wide,
to show what the sandbox answers to workers that do not pace themselves.

The sandbox runs as its own process with its default rate limit and 30 ms latency; the ledger
lives in a scratch database (a fresh PostgreSQL database on the server DATABASE_URL names, or
an SQLite file) that is dropped at the end. Each phase exports to a fresh agreement. Prints
figures; it is not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledger_bridge \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/bucket.py [--invoices 120] [--customers 20] [--workers 1,4] \\
        [--unpaced]
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
os.environ["Q_CLUSTER_NAME"] = f"bucket-bench-{os.getpid()}"

import django  # noqa: E402

django.setup()
logging.getLogger("django-q").setLevel(logging.WARNING)  # not a line per enqueued task

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.export import build_ledger, connect  # noqa: E402
from economic_sandbox.pytest_plugin import SandboxProcess  # noqa: E402

LATENCY_MS = 30
WIDE_OPEN = "1000000"  # tokens and tokens per second: a bucket that never makes anyone wait


def worker_environment(sandbox: SandboxProcess, *, paced: bool) -> dict[str, str]:
    environment = {
        **os.environ, "SANDBOX_URL": sandbox.base_url, "Q_WORKERS": "1", "LOG_LEVEL": "INFO",
    }  # fmt: skip
    if not paced:
        environment.update(ECONOMIC_BUCKET_CAPACITY=WIDE_OPEN, ECONOMIC_BUCKET_REFILL=WIDE_OPEN)
    return environment


def start_workers(count: int, environment: dict, log_folder: Path) -> list[Worker]:
    """`count` clusters of one worker each, waited for until each says it is running, so that
    start-up is not counted in the wall time."""
    workers = [Worker(number, environment, log_folder).start() for number in range(count)]
    deadline = time.monotonic() + 60
    for worker in workers:
        while "running." not in worker.log_path.read_text():
            if worker.process.poll() is not None or time.monotonic() > deadline:
                log = worker.log_path.read_text()[-2000:]
                raise RuntimeError(f"qcluster did not start:\n{log}")
            time.sleep(0.1)
    return workers


def work(connection, invoice_ids: list[int], readers: int) -> None:
    """One export run (rung as one task per worker) and `readers` reference-data refreshes,
    all enqueued at once; returns when every one of them has finished."""
    from django_q.tasks import async_task, result

    from accounts_app.models import Invoice
    from integration.models import ExportRun
    from integration.services.exports import export_run_start

    run = export_run_start(
        connection=connection, invoices=Invoice.objects.filter(pk__in=invoice_ids)
    )
    reads = [
        async_task("integration.tasks.reference_refresh_task", connection.pk)
        for _ in range(readers)
    ]  # fmt: skip
    while ExportRun.objects.get(pk=run.pk).finished_at is None or any(
        result(task) is None for task in reads
    ):
        time.sleep(0.2)
    run.refresh_from_db()
    if run.done != len(invoice_ids):
        raise RuntimeError(f"the run ended with {run.done} of {len(invoice_ids)} done")


def requests_of(sandbox, agreement: int, since: int) -> list[dict]:
    """Every logged request of the agreement after `since` (the log answers 10,000 a page)."""
    found: list[dict] = []
    while page := sandbox.request_log(since, agreement=agreement):
        found += page
        since = page[-1]["id"]
    return found


def bound_seconds(tokens: float) -> float:
    bucket = settings.ECONOMIC_RATE_LIMIT
    return max(tokens - bucket["capacity"], 0) / bucket["refill_per_second"]


def phase(sandbox, invoice_ids, customers: int, workers: int, log_folder, *, paced=True) -> None:
    from integration.models import ApiCall

    settings.Q_CLUSTER["workers"] = workers  # the run rings one task per worker
    connection = connect(sandbox.client(), "draft", include_pdf=False, linked=None)
    log_folder = log_folder / f"{workers}-workers-{'paced' if paced else 'unpaced'}"
    log_folder.mkdir()
    running = start_workers(workers, worker_environment(sandbox, paced=paced), log_folder)
    since = sandbox.client().last_request_id()
    before = ApiCall.objects.order_by("-id").values_list("id", flat=True).first() or 0
    started = time.monotonic()
    try:
        work(connection, invoice_ids, readers=workers)
        seconds = time.monotonic() - started
    finally:
        for worker in running:
            worker.stop()
    logged = requests_of(sandbox.client(), connection.agreement_number, since)
    refused = sum(1 for entry in logged if entry["status"] == 429)
    tokens = sum(entry.get("cost") or 0 for entry in logged if entry["status"] != 429)
    ours = ApiCall.objects.filter(connection=connection, id__gt=before).count()
    print(
        f"workers={workers} bucket={'shared' if paced else 'off   '} | 429s {refused:4} | "
        f"calls {len(logged):5} (ours {ours:5}) | tokens {tokens:6.0f} | "
        f"wall {seconds:6.1f} s, bucket bound {bound_seconds(tokens):6.1f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=120)
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--workers", default="1,4")
    parser.add_argument("--unpaced", action="store_true")
    options = parser.parse_args()
    sandbox = SandboxProcess(None, f"--latency-ms={LATENCY_MS}").start()
    try:
        settings.ECONOMIC_ENDPOINTS["sandbox"].update(
            rest_url=sandbox.base_url, openapi_url=sandbox.base_url
        )
        call_command("migrate", verbosity=0)
        print(
            f"{scratch.describe()}; broker and bucket: "
            f"{'Redis' if settings.REDIS_URL else 'the database'}; sandbox with its default "
            f"rate limit, {LATENCY_MS} ms latency; {options.invoices} invoices of "
            f"{options.customers} new customers per phase, plus one reference refresh per worker",
            flush=True,
        )  # fmt: skip
        invoice_ids = build_ledger(options.invoices, options.customers)
        for workers in (int(count) for count in options.workers.split(",")):
            phase(sandbox, invoice_ids, options.customers, workers, scratch.folder)
        if options.unpaced:
            phase(sandbox, invoice_ids, options.customers, 4, scratch.folder, paced=False)
    finally:
        sandbox.stop()
        from django.db import connections

        connections.close_all()
        scratch.drop(BASE_DATABASE_URL)


if __name__ == "__main__":
    main()

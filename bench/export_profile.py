"""One worker's export of linked drafts, profiled: the CPU our process spends per invoice
starting the run and working it (the sandbox runs in a process of its own, so its work is not
counted), the database round trips per invoice (statements and commits), and cProfile's top
functions. What `bench/agreements.py` measures with real workers, taken apart. Not a test.

    .venv/bin/python bench/export_profile.py [--invoices 200] [--latency-ms 0] [--top 40]
        [--sort tottime|cumulative]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="ledger-profile-"))
os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'profile.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.export import RoundTripCounter, build_ledger, connect  # noqa: E402
from economic_sandbox.pytest_plugin import SandboxProcess  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=200)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--dump", default="", help="also write the work's profile to this file")
    parser.add_argument("--no-profile", action="store_true", help="CPU and round trips only")
    parser.add_argument("--profile-start", action="store_true", help="profile starting the run")
    parser.add_argument("--threads", type=int, default=0,
                        help="work the run in this many threads at once (round trips only)")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    running = SandboxProcess(None).start()
    try:
        sandbox = running.client()
        settings.ECONOMIC_ENDPOINTS["sandbox"].update(
            rest_url=sandbox.base_url, openapi_url=sandbox.base_url,
            app_secret_token=sandbox.app_token,
        )  # fmt: skip
        ids = build_ledger(options.invoices, min(200, options.invoices))
        measure(sandbox, ids, options)
    finally:
        running.stop()


def measure(sandbox, ids: list[int], options) -> None:
    from accounts_app.models import Customer, Invoice
    from integration.services.exports import export_run_start, export_run_work

    customers = list(Customer.objects.filter(invoices__pk__in=ids).distinct())
    connection = connect(sandbox, "draft", include_pdf=False, linked=customers)
    sandbox.set_faults(latency_ms=options.latency_ms)
    count = len(ids)
    starting = cProfile.Profile(time.process_time)
    started = time.process_time()
    with RoundTripCounter() as start_trips:
        if options.profile_start:
            starting.enable()
        run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk__in=ids))
        starting.disable()
    start_cpu = time.process_time() - started
    if options.profile_start:
        pstats.Stats(starting).sort_stats(options.sort).print_stats(options.top)
    if options.threads:
        return threaded(run, count, options.threads)
    profile = cProfile.Profile(time.process_time)  # CPU, not the wait for answers
    started, wall = time.process_time(), time.monotonic()
    with RoundTripCounter() as work_trips:
        if not options.no_profile:
            profile.enable()
        export_run_work(run=run, patience=0)
        profile.disable()
    work_cpu, wall = time.process_time() - started, time.monotonic() - wall
    run.refresh_from_db()
    profiled = "" if options.no_profile else " (profiled)"
    print(
        f"{count} invoices, done {run.done}, failed {run.failed} | starting the run: "
        f"{1000 * start_cpu / count:.2f} ms CPU and {start_trips.total / count:.2f} db round "
        f"trips per invoice | working it: {1000 * work_cpu / count:.2f} ms CPU{profiled} and "
        f"{work_trips.total / count:.2f} db round trips ({work_trips.statements / count:.2f} "
        f"statements + {work_trips.commits / count:.2f} commits) per invoice, {wall:.1f} s wall",
        flush=True,
    )
    if options.dump:
        profile.dump_stats(options.dump)
    if not options.no_profile:
        pstats.Stats(profile).sort_stats(options.sort).print_stats(options.top)


def threaded(run, count: int, threads: int) -> None:
    """The run worked by several workers at once (threads here): what their claims cost each
    other, as database round trips per invoice."""
    from django.db import connections

    from integration.services.exports import export_run_work

    totals = []

    def work() -> None:
        try:
            with RoundTripCounter() as trips:
                export_run_work(run=run, patience=0)
            totals.append(trips.total)
        finally:
            connections["default"].close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.process_time()
    [worker.start() for worker in workers]
    [worker.join() for worker in workers]
    cpu = time.process_time() - started
    run.refresh_from_db()
    print(f"{count} invoices in {threads} threads, done {run.done}: {1000 * cpu / count:.2f} ms "
          f"CPU and {sum(totals) / count:.2f} db round trips per invoice", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

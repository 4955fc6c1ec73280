"""Requests per second the e-conomic sandbox serves on loopback, faults off.

    .venv/bin/python bench/sandbox_rps.py [--threads 4] [--requests 2000] [--seconds 10]

Starts `python -m economic_sandbox` as its own process (so the client threads do not share its
interpreter lock) with the token bucket off, then runs GET /customers and POST /customers from a
few client threads, each scenario bounded by a request count and a time limit. Prints the
figures and the bucket defaults a normal run would apply.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from economic_sandbox.pytest_plugin import SandboxProcess  # noqa: E402
from economic_sandbox.ratelimit import RateLimitConfig  # noqa: E402

CUSTOMER = {"name": "Bench ApS", "currency": "DKK", "customerGroup": {"customerGroupNumber": 1},
            "paymentTerms": {"paymentTermsNumber": 1}, "vatZone": {"vatZoneNumber": 1}}


def run_scenario(base_url: str, method: str, path: str, *, threads: int, total: int,
                 seconds: float, state: bool) -> dict:
    """Send up to `total` requests from `threads` threads for at most `seconds`."""
    latencies: list[float] = []
    failures = [0]
    remaining = [total]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        session = requests.Session()
        session.headers.update({"X-AppSecretToken": "sandbox-app-secret",
                                "X-AgreementGrantToken": "sandbox-grant-1"})
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            answer = session.request(method, base_url + path, timeout=10,
                                     json=CUSTOMER if method == "POST" else None)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                failures[0] += answer.status_code >= 400

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.monotonic() - started
    return {"scenario": f"{method} {path}", "state": state, "requests": len(latencies),
            "failures": failures[0], "rps": len(latencies) / wall,
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": statistics.quantiles(latencies, n=20)[18] * 1000}


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__)
    cli.add_argument("--threads", type=int, default=4)
    cli.add_argument("--requests", type=int, default=2000, help="per scenario")
    cli.add_argument("--seconds", type=float, default=10.0, help="per scenario")
    arguments = cli.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for state_file in (None, Path(folder) / "state.json"):
            rows += bench_one(SandboxProcess(state_file, "--no-rate-limit"), arguments)
    print_figures(rows, arguments.threads)


def bench_one(process: SandboxProcess, arguments) -> list[dict]:
    process.start()
    try:
        return [run_scenario(process.base_url, method, path, threads=arguments.threads,
                             total=arguments.requests, seconds=arguments.seconds,
                             state=process.state_file is not None)
                for method, path in (("GET", "/customers"), ("POST", "/customers"))]
    finally:
        process.stop()


def print_figures(rows: list[dict], threads: int) -> None:
    print(f"{'scenario':<18} {'state file':<10} {'requests':>8} {'fail':>5} {'req/s':>8} "
          f"{'p50 ms':>7} {'p95 ms':>7}")
    for row in rows:
        print(f"{row['scenario']:<18} {'yes' if row['state'] else 'no':<10} "
              f"{row['requests']:>8} {row['failures']:>5} {row['rps']:>8.0f} "
              f"{row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f}")
    defaults = RateLimitConfig()
    print(f"\n{threads} client threads; token bucket off for the measurement.")
    print(f"Bucket defaults: capacity {defaults.capacity:g}, refill "
          f"{defaults.refill_per_second:g}/s per agreement, cost {defaults.get_cost:g} per GET, "
          f"{defaults.write_cost:g} per write, 5 for bulk vouchers/PDFs/uploads; "
          f"daily cap {defaults.daily_cap}.")
    print(f"A client within the default bucket gets at most {defaults.refill_per_second:g} "
          f"GETs/s sustained, bursts of {defaults.capacity:g}.")


if __name__ == "__main__":
    main()

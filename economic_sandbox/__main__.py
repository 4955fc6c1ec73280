"""`python -m economic_sandbox --port 8765 [--state FILE] [--seed N] [...]`: run the sandbox.
`python -m economic_sandbox control ...` talks to a running one (see `remote.py`).

Every fault and rate-limit setting has a flag; the control API can change them while it runs.
SIGTERM and Ctrl-C stop it after writing the state file.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from economic_sandbox.app import SandboxApp, SandboxConfig
from economic_sandbox.faults import FaultConfig
from economic_sandbox.ratelimit import RateLimitConfig, default_costs
from economic_sandbox.seed import APP_SECRET_TOKEN, DEMO_AGREEMENT, WRITABLE_AGREEMENTS
from economic_sandbox.server import make_server
from economic_sandbox.webhooks import EVENTS


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m economic_sandbox", description=__doc__)
    cli.add_argument("--host", default="127.0.0.1")
    cli.add_argument("--port", type=int, default=8765)
    cli.add_argument("--state", help="JSON file: loaded at start, written after every write")
    cli.add_argument("--seed", type=int, default=0, help="seed of the fault randomness")
    limit = cli.add_argument_group("rate limit")
    defaults = RateLimitConfig()
    limit.add_argument("--capacity", type=float, default=defaults.capacity)
    limit.add_argument("--refill", type=float, default=defaults.refill_per_second,
                       help="tokens per second")
    limit.add_argument("--get-cost", type=float, default=defaults.get_cost)
    limit.add_argument("--write-cost", type=float, default=defaults.write_cost)
    limit.add_argument("--cost", action="append", default=[], metavar="'METHOD /path=COST'",
                       help="cost of one route, e.g. 'POST /journals/{journalNumber}/vouchers=5'")
    limit.add_argument("--daily-cap", type=int, default=defaults.daily_cap)
    limit.add_argument("--no-rate-limit", action="store_true", help="no bucket (the cap stays)")
    faults = cli.add_argument_group("faults (probabilities 0..1)")
    for name in ("latency-ms", "jitter-ms", "error-500", "error-503", "error-429", "hang",
                 "hang-seconds", "drop-after-apply"):
        faults.add_argument(f"--{name}", type=float, default=None)
    faults.add_argument("--hang-phase", choices=("before", "after"), default=None)
    faults.add_argument("--hang-then", choices=("answer", "drop"), default=None)
    cli.add_argument("--webhook-url", action="append", default=[], metavar="'[EVENT=]URL'",
                     help="webhook for every writable agreement; without EVENT= the event is "
                          "Invoice booked for a URL with [INVOICENO], else Day book booked")
    cli.add_argument("--verbose", action="store_true")
    return cli


def config_from(arguments: argparse.Namespace) -> SandboxConfig:
    costs = default_costs()
    for item in arguments.cost:
        route, _, cost = item.rpartition("=")
        costs[route.strip()] = float(cost)
    rate_limit = RateLimitConfig(
        enabled=not arguments.no_rate_limit, capacity=arguments.capacity,
        refill_per_second=arguments.refill, get_cost=arguments.get_cost,
        write_cost=arguments.write_cost, costs=costs, daily_cap=arguments.daily_cap)
    fault_settings = {name: getattr(arguments, name) for name in (
        "latency_ms", "jitter_ms", "error_500", "error_503", "error_429", "hang", "hang_seconds",
        "drop_after_apply", "hang_phase", "hang_then") if getattr(arguments, name) is not None}
    return SandboxConfig(seed=arguments.seed, state_path=arguments.state, rate_limit=rate_limit,
                         faults=FaultConfig().updated(fault_settings),
                         webhooks=[webhook_from(text) for text in arguments.webhook_url])


def webhook_from(text: str) -> dict:
    event, separator, url = text.partition("=")
    if separator and event in EVENTS:
        return {"event": event, "url": url}
    event = "Invoice booked" if "[INVOICENO]" in text else "Day book booked"
    return {"event": event, "url": text}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["control"]:
        from economic_sandbox import remote

        sys.exit(remote.main(argv[1:]))
    arguments = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if arguments.verbose else logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = SandboxApp(config_from(arguments))
    server = make_server(app, arguments.host, arguments.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(banner(arguments.host, server.server_port), flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    server.shutdown()
    app.save()
    sys.exit(0)


def banner(host: str, port: int) -> str:
    lines = [f"e-conomic sandbox on http://{host}:{port}  (control API: /_sandbox/)",
             f"  demo agreement {DEMO_AGREEMENT}: X-AppSecretToken demo, "
             "X-AgreementGrantToken demo (read-only)"]
    for number, grant, company, projects in WRITABLE_AGREEMENTS:
        note = "" if projects else ", no projects module"
        lines.append(f"  agreement {number} ({company}{note}): X-AppSecretToken "
                     f"{APP_SECRET_TOKEN}, X-AgreementGrantToken {grant}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

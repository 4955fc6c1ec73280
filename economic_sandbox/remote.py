"""`python -m economic_sandbox control ...`: the common control-API calls from a shell.

    python -m economic_sandbox control reset
    python -m economic_sandbox control faults '{"error_503": 0.1, "latency_ms": 50}'
    python -m economic_sandbox control rate-limit '{"capacity": 10}'
    python -m economic_sandbox control requests --since 120
    python -m economic_sandbox control revoke 9000001     (restore 9000001 undoes it)
    python -m economic_sandbox control agreements | counters | deliveries

`--url` (default http://127.0.0.1:8765) names the sandbox. Prints the JSON answer.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request

# command -> (method, path, takes a JSON body, takes an agreement number)
COMMANDS = {
    "reset": ("POST", "/reset", False, False),
    "faults": ("PUT", "/faults", True, False),
    "rate-limit": ("PATCH", "/rate-limit", True, False),
    "requests": ("GET", "/requests", False, False),
    "agreements": ("GET", "/agreements", False, False),
    "counters": ("GET", "/counters", False, False),
    "deliveries": ("GET", "/webhooks/deliveries", False, False),
    "revoke": ("POST", "/agreements/{}/revoke", False, True),
    "restore": ("POST", "/agreements/{}/restore", False, True),
}


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m economic_sandbox control", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--url", default="http://127.0.0.1:8765")
    cli.add_argument("command", choices=sorted(COMMANDS))
    cli.add_argument("argument", nargs="?", help="JSON settings, or an agreement number")
    cli.add_argument("--since", type=int, default=0, help="requests/deliveries after this id")
    return cli


def request_for(arguments: argparse.Namespace) -> urllib.request.Request:
    method, path, takes_body, takes_number = COMMANDS[arguments.command]
    if takes_number:
        path = path.format(int(arguments.argument))
    if method == "GET" and arguments.since:
        path += f"?since={arguments.since}"
    body = None
    if takes_body and method != "GET":
        settings = json.loads(arguments.argument) if arguments.argument else {}
        body = json.dumps(settings).encode("utf-8")
    url = f"{arguments.url.rstrip('/')}/_sandbox{path}"
    return urllib.request.Request(url, data=body, method=method,
                                  headers={"Content-Type": "application/json"})


def main(argv: list[str]) -> int:
    arguments = parser().parse_args(argv)
    try:
        with urllib.request.urlopen(request_for(arguments), timeout=10) as answer:
            print(json.dumps(json.loads(answer.read()), indent=2, ensure_ascii=False))
            return 0
    except urllib.error.HTTPError as error:
        print(error.read().decode("utf-8", "replace"), file=sys.stderr)
        return 1

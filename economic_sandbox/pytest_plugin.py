"""pytest fixtures for the e-conomic sandbox. Enable with
`pytest_plugins = ["economic_sandbox.pytest_plugin"]` in a root conftest.

* `sandbox_server` (session): the sandbox in this process, on a free loopback port, in a
  background thread; started once per test session.
* `sandbox` (function): resets the sandbox (data, faults, rate-limit buckets, idempotency cache,
  request log) before the test and hands it a `SandboxClient` for writable agreement 9000001.
* `sandbox_process` (function): the sandbox as a separate process with a state file in the
  test's tmp_path, for tests that kill and restart it (`.restart()`, `.kill()`).

Everything goes over real HTTP; nothing here reaches into the server's objects.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from economic_sandbox.seed import APP_SECRET_TOKEN, WRITABLE_AGREEMENTS

AGREEMENT, GRANT_TOKEN = WRITABLE_AGREEMENTS[0][0], WRITABLE_AGREEMENTS[0][1]
TIMEOUT = 10.0


class SandboxClient:
    """A test's handle on a running sandbox: a `requests.Session` with the agreement's auth
    headers (`.session`, `.get/.post/.put/.delete` with paths) and the control API."""

    def __init__(self, base_url: str, *, app_token: str = APP_SECRET_TOKEN,
                 grant_token: str = GRANT_TOKEN, agreement_number: int = AGREEMENT):
        self.base_url = base_url.rstrip("/")
        self.app_token = app_token
        self.grant_token = grant_token
        self.agreement_number = agreement_number
        self.session = self.session_for(grant_token, app_token)
        self.control = requests.Session()

    def session_for(self, grant_token: str, app_token: str = APP_SECRET_TOKEN) -> requests.Session:
        session = requests.Session()
        session.headers.update({"X-AppSecretToken": app_token,
                                "X-AgreementGrantToken": grant_token,
                                "Content-Type": "application/json"})
        return session

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.url(path), timeout=kwargs.pop("timeout", TIMEOUT), **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.session.post(self.url(path), timeout=kwargs.pop("timeout", TIMEOUT), **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.session.put(self.url(path), timeout=kwargs.pop("timeout", TIMEOUT), **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.session.delete(self.url(path), timeout=kwargs.pop("timeout", TIMEOUT), **kwargs)

    # --- control API ---------------------------------------------------------------------

    def call_control(self, method: str, path: str, body=None, /, **params) -> dict | list:
        response = self.control.request(method, self.url(f"/_sandbox{path}"), json=body,
                                        params=params or None, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()

    def reset(self) -> dict:
        return self.call_control("POST", "/reset")

    def set_faults(self, **settings) -> dict:
        """Replace the fault settings (unnamed ones go back to off), e.g.
        `set_faults(error_503=1.0)` or `set_faults(script=[{"fault": "drop_after_apply"}])`."""
        return self.call_control("PUT", "/faults", settings)

    def set_rate_limit(self, **settings) -> dict:
        """Change some rate-limit settings, e.g. `set_rate_limit(capacity=5, refill_per_second=1)`
        or `set_rate_limit(enabled=False)`; buckets start full."""
        return self.call_control("PATCH", "/rate-limit", settings)

    def spend_tokens(self, tokens: float, agreement_number: int | None = None) -> dict:
        """Another app on the agreement spends `tokens` from its shared bucket."""
        number = agreement_number or self.agreement_number
        return self.call_control("POST", f"/rate-limit/{number}/spend", {"tokens": tokens})

    def request_log(self, since: int = 0, **filters) -> list[dict]:
        """Logged product-API requests after id `since`; filters: agreement, method, path."""
        return self.call_control("GET", "/requests", since=since, **filters)["requests"]

    def last_request_id(self) -> int:
        return self.call_control("GET", "/requests", since=10**12)["lastId"]

    def counters(self) -> dict:
        return self.call_control("GET", "/counters")

    def create_agreement(self, **fields) -> dict:
        return self.call_control("POST", "/agreements", fields)

    def revoke(self, agreement_number: int | None = None) -> dict:
        """Revoke the agreement's grant: its calls answer 401 until `restore`."""
        number = agreement_number or self.agreement_number
        return self.call_control("POST", f"/agreements/{number}/revoke")

    def restore(self, agreement_number: int | None = None) -> dict:
        number = agreement_number or self.agreement_number
        return self.call_control("POST", f"/agreements/{number}/restore")

    def add_webhook(self, event: str, url: str) -> dict:
        return self.call_control("POST", f"/agreements/{self.agreement_number}/webhooks",
                                 {"event": event, "url": url})

    def webhook_deliveries(self, since: int = 0) -> list[dict]:
        return self.call_control("GET", "/webhooks/deliveries", since=since)["deliveries"]

    def bar_period(self, year: int | str, period: int, barred: bool = True) -> dict:
        """Bar (or with `barred=False` reopen) one accounting period of the agreement."""
        return self.call_control(
            "PUT", f"/agreements/{self.agreement_number}/accounting-years/{year}/periods/{period}",
            {"barred": barred})

    def set_vat_rounding(self, model: str) -> dict:
        """"line" (VAT rounded per line, summed) or "document" (per rate, rounded once)."""
        return self.call_control(
            "PUT", f"/agreements/{self.agreement_number}/vat-rounding", {"model": model})

    def set_account_vat_code(self, account_number: int, vat_code: str | None) -> dict:
        """Give an account a VAT code (or none), creating the account if needed."""
        return self.call_control(
            "PUT", f"/agreements/{self.agreement_number}/accounts/{account_number}",
            {"vatCode": vat_code})

    def edit_journal_entry(self, entry_number: int, **changes) -> dict:
        """A person changes an unbooked entry's contra side (contraAccount, contraVatCode)."""
        return self.call_control(
            "PUT", f"/agreements/{self.agreement_number}/journal-entries/{entry_number}", changes)

    def register_payment(self, booked_invoice_number: int, amount, date: str | None = None,
                         exchange_rate: float | None = None) -> dict:
        """`exchange_rate` (per 100): the day's rate the payment was converted at."""
        body = {"bookedInvoiceNumber": booked_invoice_number, "amount": amount}
        if date:
            body["date"] = date
        if exchange_rate is not None:
            body["exchangeRate"] = exchange_rate
        return self.call_control("POST", f"/agreements/{self.agreement_number}/payments", body)

    def register_voucher_payment(self, invoice_number, amount, date: str | None = None) -> dict:
        """Pay the invoice a booked journal voucher carries (its `customerInvoice`)."""
        body = {"invoiceNumber": str(invoice_number), "amount": amount}
        if date:
            body["date"] = date
        return self.call_control("POST", f"/agreements/{self.agreement_number}/payments", body)

    def reverse_payment(self, payment_id: int, date: str | None = None) -> dict:
        return self.call_control(
            "POST", f"/agreements/{self.agreement_number}/payments/{payment_id}/reverse",
            {"date": date} if date else None)

    def change_payment(self, payment_id: int, *, rebook: bool = False, **changes) -> dict:
        """A bookkeeper's correction: `amount=` and/or `date=` of a registered payment, booked
        as e-conomic does (the old entry undone and a new one), or with `rebook` the old entry
        removed and a new one booked."""
        body = {**changes, **({"as": "rebook"} if rebook else {})}
        return self.call_control(
            "PATCH", f"/agreements/{self.agreement_number}/payments/{payment_id}", body)

    def delete_payment(self, payment_id: int) -> None:
        """A payment deleted in e-conomic (204, no body)."""
        path = f"/_sandbox/agreements/{self.agreement_number}/payments/{payment_id}"
        self.control.request("DELETE", self.url(path), timeout=TIMEOUT).raise_for_status()

    def payments_batch(self, *, register: list[dict] = (), reverse: list[int] = ()) -> dict:
        """Reverse payments and register new ones (`{"bookedInvoiceNumber", "amount"}`) in one
        call, all or none: `{"reversed": [...], "registered": [...]}`."""
        return self.call_control(
            "POST", f"/agreements/{self.agreement_number}/payments/batch",
            {"reverse": list(reverse), "register": list(register)})

    def close(self) -> None:
        self.session.close()
        self.control.close()


@dataclass
class RunningSandbox:
    base_url: str
    app: object
    server: object

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_in_thread(config=None) -> RunningSandbox:
    """A sandbox on 127.0.0.1 with a free port, served by a daemon thread."""
    from economic_sandbox.app import SandboxApp
    from economic_sandbox.server import make_server, serve_in_thread

    app = SandboxApp(config)
    server = make_server(app, "127.0.0.1", 0)
    serve_in_thread(server)
    return RunningSandbox(f"http://127.0.0.1:{server.server_port}", app, server)


@pytest.fixture(scope="session")
def sandbox_server():
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def sandbox(sandbox_server):
    client = SandboxClient(sandbox_server.base_url)
    client.reset()
    yield client
    client.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SandboxProcess:
    """`python -m economic_sandbox` in a child process, with a state file unless it is None."""

    def __init__(self, state_file: Path | None, *extra_args: str):
        self.state_file = state_file
        self.extra_args = extra_args
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> SandboxProcess:
        command = [sys.executable, "-m", "economic_sandbox", "--port", str(self.port),
                   *self.extra_args]
        if self.state_file is not None:
            command += ["--state", str(self.state_file)]
        # From the folder that holds the package, wherever pytest was started.
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, env={**os.environ},
                                        cwd=Path(__file__).resolve().parents[1])
        self._wait_until_up()
        return self

    def _wait_until_up(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sandbox exited with {self.process.returncode}")
            try:
                requests.get(f"{self.base_url}/_sandbox/health", timeout=0.5)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("sandbox did not start")

    def stop(self) -> None:
        """SIGTERM: the sandbox writes its state and exits."""
        self._end(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL: no chance to write anything at exit."""
        self._end(signal.SIGKILL)

    def _end(self, signal_number: int) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal_number)
            self.process.wait(timeout=15)

    def restart(self, *, kill: bool = True) -> SandboxProcess:
        self.kill() if kill else self.stop()
        return self.start()

    def client(self) -> SandboxClient:
        return SandboxClient(self.base_url)


@pytest.fixture
def sandbox_process(tmp_path):
    process = SandboxProcess(tmp_path / "sandbox-state.json").start()
    yield process
    process.kill()

"""The soak's course: processes up, export under chaos, counts, payments, figures. See
soak/chaos.py for what it promises and how to run it."""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from economic_sandbox.pytest_plugin import SandboxClient, SandboxProcess
from soak.processes import ScratchDatabase, Worker, faults_flags

HANG_SECONDS = 6.0  # longer than the workers' read timeout: a hang is a timeout to them
READ_TIMEOUT = 4.0


def environment(options, database: ScratchDatabase, sandbox_url: str) -> dict[str, str]:
    """What the soak and its workers share; set in this process before Django starts."""
    from cryptography.fernet import Fernet

    values = {
        "DATABASE_URL": database.url,
        "DJANGO_SETTINGS_MODULE": "soak.settings",
        "Q_CLUSTER_NAME": f"ledger-chaos-{os.getpid()}",
        # One export task per worker: the workers are clusters of their own (export_run_enqueue
        # reads this).
        "EXPORT_TASKS": str(options.workers),
        "Q_WORKERS": "1",
        "SANDBOX_URL": sandbox_url,
        "ECONOMIC_READ_TIMEOUT": str(READ_TIMEOUT),
        "ECONOMIC_BUCKET_CAPACITY": str(options.refill * 3 * 0.9),
        "ECONOMIC_BUCKET_REFILL": str(options.refill * 0.9),
        "FIELD_ENCRYPTION_KEYS": os.environ.get("FIELD_ENCRYPTION_KEYS")
        or Fernet.generate_key().decode(),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(values)
    return {**os.environ, **values}


def sandbox_arguments(options) -> list[str]:
    return [
        f"--seed={options.seed}", f"--capacity={options.refill * 3}", f"--refill={options.refill}",
        "--daily-cap=10000000", *faults_flags(options.faults, HANG_SECONDS),
    ]  # fmt: skip


@dataclass
class Event:
    """Chaos fired once `at` invoices are finished."""

    at: int
    action: Callable[[], str]


@dataclass
class Tally:
    problems: list[str] = field(default_factory=list)
    faults: Counter = field(default_factory=Counter)
    sandbox_requests: int = 0


class Soak:
    def __init__(self, options, database: ScratchDatabase):
        self.options = options
        self.database = database
        self.started = time.monotonic()
        self.rng = random.Random(options.seed)
        self.tally = Tally()
        self.sandbox = SandboxProcess(database.folder / "sandbox-state.json",
                                      *sandbox_arguments(options))  # fmt: skip
        self.workers: list[Worker] = []
        self.agreement_number = 9_600_000 + os.getpid() % 100_000

    # -- the course ------------------------------------------------------------------------------

    def run(self) -> int:
        worker_environment = environment(self.options, self.database, self.sandbox.base_url)
        self.say(self.headline())
        try:
            self.sandbox.start()
            self.client = SandboxClient(self.sandbox.base_url)
            self.django_start()
            self.prepare()
            # One worker per cluster: a kill takes a whole cluster, as when its machine dies.
            self.workers = [
                Worker(number, worker_environment, self.database.folder).start()
                for number in range(1, self.options.workers + 1)
            ]
            self.export()
            if self.options.payments:
                self.payments()
            self.reconcile()
        except RuntimeError as error:
            self.tally.problems.append(str(error))
        finally:
            self.shutdown()
        return self.report()

    def headline(self) -> str:
        options = self.options
        faults = ", ".join(f"{name} {value:.0%}" for name, value in options.faults.items())
        return (
            f"chaos soak: {options.invoices} invoices, {options.workers} workers, "
            f"{options.kill} killed mid-run, sandbox restart "
            f"{'yes' if options.restart_sandbox else 'no'}, payments "
            f"{'yes' if options.payments else 'no'}, faults {faults or 'none'}\n"
            f"database: {self.database.describe()}; broker: "
            f"{'Redis ' + os.environ['REDIS_URL'] if os.environ.get('REDIS_URL') else 'ORM'}"
        )

    def django_start(self) -> None:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)

    def prepare(self) -> None:
        from soak import steps

        self.faults(on=False)
        customers = steps.ledger_seed(invoices=self.options.invoices, rng=self.rng)
        self.connection = steps.connection_make(sandbox=self.client,
                                                agreement_number=self.agreement_number)  # fmt: skip
        self.client = SandboxClient(self.sandbox.base_url, agreement_number=self.agreement_number,
                                    grant_token=self.connection.grant_token)  # fmt: skip
        self.say(f"seeded {self.options.invoices} invoices of {customers} customers; "
                 f"connected agreement {self.agreement_number}")  # fmt: skip

    # -- export ------------------------------------------------------------------------------------

    def export(self) -> None:
        from soak import checks, contents, steps

        started = time.monotonic()
        run = steps.export_start(connection=self.connection)
        self.faults(on=True)
        self.say(f"export run {run.pk} started: {run.total} invoices, booked")
        events = self.events()
        deadline = started + self.options.timeout
        while True:
            finished = checks.invoice_jobs_finished()
            while events and finished >= events[0].at:
                self.say(f"{finished}/{run.total} finished: {events.pop(0).action()}")
            if not checks.jobs_open():
                break
            if time.monotonic() > deadline:
                self.tally.problems.append(f"jobs still open after {self.options.timeout:.0f} s")
                break
            time.sleep(0.5)
        self.export_seconds = time.monotonic() - started
        self.say(f"every job terminal after {self.export_seconds:.0f} s" if not checks.jobs_open()
                 else "gave up waiting for the export")  # fmt: skip
        self.faults(on=False)
        self.exports = checks.exports_count(connection=self.connection, sandbox=self.client)
        self.tally.problems += self.exports.broken()
        self.contents = contents.contents_count(connection=self.connection, sandbox=self.client)
        self.tally.problems += self.contents.broken()

    def events(self) -> list[Event]:
        total = self.options.invoices
        events = []
        if self.options.kill:
            events.append(Event(total // 3, self.workers_kill))
        if self.options.restart_sandbox:
            events.append(Event(total * 3 // 5, self.sandbox_restart))
        return events

    def workers_kill(self) -> str:
        victims = self.workers[: self.options.kill]
        pids = [worker.pid for worker in victims]
        for worker in victims:
            worker.kill()
        time.sleep(1)
        for worker in victims:
            worker.start()
        return (f"SIGKILLed workers {', '.join(map(str, pids))}; restarted as "
                f"{', '.join(str(worker.pid) for worker in victims)}")  # fmt: skip

    def sandbox_restart(self) -> str:
        self.sandbox_log_collect()
        self.sandbox.restart(kill=True)
        return "SIGKILLed the sandbox; restarted it from its state file"

    # -- payments ----------------------------------------------------------------------------------

    def payments(self) -> None:
        from soak import checks

        if self.tally.problems:
            self.say("payments left out: the export broke a promise")
            return
        started = time.monotonic()
        for number in (1, 2):
            self.payments_round(number)
        # Everything is imported now: one more import (under faults) must change nothing.
        changes = sum(run.paid + run.partial + run.reversed for run in self.payments_import())
        if changes:
            self.tally.problems.append(f"an import after everything was imported changed "
                                       f"{changes} invoices")  # fmt: skip
        self.payments_seconds = time.monotonic() - started
        self.payment_figures = checks.payments_count(
            connection=self.connection, sandbox=self.client
        )
        self.tally.problems += self.payment_figures.broken()

    def payments_round(self, number: int) -> None:
        from soak import checks, steps

        registered = steps.payments_register(sandbox=self.client, rng=self.rng)
        imports = self.payments_import()
        figures = checks.payments_count(connection=self.connection, sandbox=self.client)
        self.tally.problems += [f"after payment round {number}: {problem}"
                                for problem in figures.broken()]  # fmt: skip
        self.say(
            f"payments round {number}: registered {registered['full']} full, "
            f"{registered['partial']} partial, reversed {registered['reversed']}, changed "
            f"{registered['changed']}, deleted {registered['deleted']}; "
            f"{len(imports)} imports; {figures.matched}/{figures.invoices} invoices match, "
            f"{figures.dated} payments dated as in e-conomic ({figures.foreign} in EUR, "
            f"{figures.differences} with an exchange difference), {len(figures.misdated)} not"
        )

    def payments_import(self):
        from soak import steps

        self.faults(on=True)
        try:
            made = steps.payments_import_until_clean(
                connection=self.connection, concurrent=max(self.options.workers, 2),
                timeout=self.options.timeout,
            )  # fmt: skip
        finally:
            self.faults(on=False)
        self.imports = getattr(self, "imports", []) + made
        return made

    # -- the end: a reconciliation that finds nothing ----------------------------------------------

    def reconcile(self) -> None:
        from integration.services.reconcile import reconcile_connection

        if self.tally.problems:
            self.say("reconciliation left out: a promise broke before it")
            return
        run = reconcile_connection(connection=self.connection)
        self.say(f"reconciliation {run.pk}: {run.documents} documents, {run.found} differences, "
                 f"{run.api_calls} of {run.budget} calls {run.error}".rstrip())  # fmt: skip
        if run.error or run.found:
            findings = run.findings.values_list("detail", flat=True)[:5]
            self.tally.problems.append(f"the closing reconciliation found {run.found} "
                                       f"differences {run.error}: {list(findings)}")  # fmt: skip

    # -- the sandbox -------------------------------------------------------------------------------

    def faults(self, *, on: bool) -> None:
        """Faults on while the product works; off while the soak itself reads e-conomic."""
        settings = dict(self.options.faults, hang_seconds=HANG_SECONDS) if on else {}
        self.client.call_control("PUT", "/faults", settings)

    def sandbox_log_collect(self) -> None:
        """Count what the sandbox saw (its log is not kept across a restart)."""
        log = self.client.request_log(0)
        self.tally.sandbox_requests += len(log)
        self.tally.faults.update(entry["fault"] for entry in log if entry.get("fault"))

    def shutdown(self) -> None:
        for worker in self.workers:
            worker.stop()
        try:
            self.sandbox_log_collect()
        except Exception as error:  # noqa: BLE001 - the figures say it is missing
            self.say(f"could not read the sandbox's request log: {error}")
        self.sandbox.stop()

    # -- figures -----------------------------------------------------------------------------------

    def tasks_timed_out(self) -> int:
        """django-q2 kills a task that runs past Q_CLUSTER["timeout"] and says so in its log."""
        logs = (worker.log_path for worker in self.workers if worker.log_path.exists())
        return sum(
            log.read_text(errors="replace").count("exceeded maximum timeout") for log in logs
        )

    def say(self, text: str) -> None:
        print(f"[{time.monotonic() - self.started:7.1f} s] {text}", flush=True)

    def report(self) -> int:
        for line in self.figures():
            print(line, flush=True)
        for problem in self.tally.problems:
            print(f"BROKEN: {problem}", flush=True)
        print("every promise kept" if not self.tally.problems else "promises broken", flush=True)
        return 1 if self.tally.problems else 0

    def figures(self) -> list[str]:
        lines = []
        exports = getattr(self, "exports", None)
        if exports is not None:
            lines += [
                f"invoices exported exactly once (by reference): {exports.once} of "
                f"{exports.invoices} (missing {len(exports.missing)}, twice or more "
                f"{len(exports.duplicated)}, extra drafts {len(exports.drafts_left)})",
                f"customers created exactly once: {exports.customers_once} of {exports.customers}",
                f"jobs left non-terminal: {exports.open_jobs} ({_counts(exports.jobs)})",
            ]
        contents = getattr(self, "contents", None)
        if contents is not None:
            lines.append(
                f"invoices whose customer, totals and VAT per code match e-conomic: "
                f"{contents.matched} of {contents.invoices} (revenue per account compared for "
                f"{contents.by_account}, differing {len(contents.differing)})"
            )
        payments = getattr(self, "payment_figures", None)
        if payments is not None:
            imports = Counter(run.state for run in self.imports)
            lines += [
                f"payments imported exactly once: {payments.matched} of {payments.invoices} "
                f"invoices match e-conomic to the cent ({payments.settled} with money settled; "
                f"{payments.cash_rows} synced payments, {payments.reversed_rows} of them reversed)",
                f"payments with e-conomic's date, amount and currency: {payments.dated} of them "
                f"match ({payments.foreign} in EUR with their DKK amount, {payments.differences} "
                f"exchange differences as e-conomic's), {len(payments.misdated)} invoices differ",
                f"payment imports: {len(self.imports)} ({_counts(imports)})",
            ]
        lines += self.call_figures()
        return lines

    def call_figures(self) -> list[str]:
        lines = []
        if "django" in __import__("sys").modules and hasattr(self, "connection"):
            from integration.models import ApiCall

            purposes = Counter(ApiCall.objects.values_list("purpose", flat=True))
            lines.append(
                f"API calls: {sum(purposes.values())} made by the product ({_counts(purposes)}); "
                f"{self.tally.sandbox_requests} requests seen by the sandbox (the soak's own "
                "reads included)"
            )
        lines.append(f"faults injected: {_counts(self.tally.faults) or 'none'}")
        lines.append(f"tasks cut off by the queue's timeout: {self.tasks_timed_out()}")
        timings = f"wall time: {time.monotonic() - self.started:.0f} s"
        if hasattr(self, "export_seconds"):
            timings += f" (export {self.export_seconds:.0f} s"
            timings += (f", payments {self.payments_seconds:.0f} s)"
                        if hasattr(self, "payments_seconds") else ")")  # fmt: skip
        lines.append(timings)
        return lines


def _counts(counter: Counter) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counter.items()))

"""The chaos soak: export invoices through real `manage.py qcluster` workers to a sandbox that
injects faults, kill workers (and the sandbox) in the middle, then check that every promise held.

    .venv/bin/python soak/chaos.py [--invoices 2000] [--workers 4] [--kill 2]
        [--restart-sandbox | --no-restart-sandbox] [--payments | --no-payments]
        [--faults 503=0.10,drop=0.05,429=0.05,hang=0.02] [--seed 1] [--timeout 1800]

What it does, on a scratch database (a new PostgreSQL database on the server DATABASE_URL names,
or a temporary SQLite file; dropped afterwards unless a promise broke) and whatever broker
REDIS_URL says (Redis, or django-q2's ORM broker when it is empty):

1. starts the sandbox as a process with a state file, injecting the faults (`drop` is a write
   applied whose answer is lost; `hang` holds the request past our read timeout);
2. migrates, seeds customers and finalized invoices through the ledger's services, and connects
   a fresh sandbox agreement the way a finance team would (test, reference data, pairings);
3. starts `--workers` qcluster processes and one export run (booked invoices) through
   `export_run_start`; when a third of the invoices are finished it SIGKILLs `--kill` workers
   and restarts them; at three fifths it SIGKILLs the sandbox and restarts it from its state
   file; it waits until every job is terminal (a killed worker's claims come back through the
   lease and the every-minute sweeper, nothing else);
4. reads e-conomic with faults off: every invoice booked exactly once (by `references.other`),
   no draft left, our record naming that booked invoice, each customer card made once; and
   each booked invoice's content ours (soak/contents.py): the customer we linked, net, VAT and
   gross, VAT per e-conomic VAT code (ours through the pairings) and, from its ledger postings,
   revenue per account;
5. registers random full, partial and reversed payments (sandbox control API), imports them
   through the workers (several imports at once, faults on, again until one finishes clean),
   twice, and checks that every invoice's paid amount, ledger payments and synced payments
   equal what e-conomic shows as settled; one more import must change nothing;
6. ends with a reconciliation (faults off) that must find nothing.

It prints the figures and exits 1 when any promise is broken. Acceptance runs:

    A: soak/chaos.py --invoices 500 --workers 1 --kill 1 --no-restart-sandbox   (SQLite)
    B: soak/chaos.py                                                           (PostgreSQL, Redis)

The soak runs its processes with `soak.settings`: the product's settings with a 30-second export
lease and backoffs of at most 5 s, so recoveries take minutes, not hours.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from soak.processes import ScratchDatabase, faults_parse  # noqa: E402

DEFAULT_FAULTS = "503=0.10,drop=0.05,429=0.05,hang=0.02"


def options_parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4, help="qcluster processes")
    parser.add_argument("--kill", type=int, default=2, help="workers SIGKILLed mid-run")
    parser.add_argument("--restart-sandbox", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--payments", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--faults", default=DEFAULT_FAULTS, type=faults_parse,
                        help=f"probabilities by fault: 500, 503, 429, drop, hang (default "
                             f"{DEFAULT_FAULTS}; 'none' for none)")  # fmt: skip
    parser.add_argument("--refill", type=float, default=40.0,
                        help="the sandbox's rate limit in tokens per second (capacity three "
                             "seconds' worth); our bucket is set at 90 %% of it")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="seeds the ledger, payments, faults")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait per phase")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch database and logs (kept anyway when a promise "
                             "breaks)")  # fmt: skip
    options = parser.parse_args(argv)
    if not 0 <= options.kill <= options.workers or options.invoices < 1:
        parser.error("need at least one invoice, and --kill between 0 and --workers")
    return options


def _stop(signal_number, _frame) -> None:
    # SystemExit unwinds through the `finally` blocks: workers and sandbox stopped, database
    # dropped, as on a normal end.
    sys.exit(128 + signal_number)


def main(argv: list[str] | None = None) -> int:
    options = options_parse(argv)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)  # also when started in the background, which ignores it
    base_url = os.environ.get("DATABASE_URL", "")
    database = ScratchDatabase.create(base_url)
    code = 1
    try:
        from soak.run import Soak

        code = Soak(options, database).run()
        return code
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if code == 0 and not options.keep:
            database.drop(base_url)
            shutil.rmtree(database.folder, ignore_errors=True)
        else:  # what a person needs to find out why
            print(f"kept: {database.describe()}; workers' logs and the sandbox's state file in "
                  f"{database.folder}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())

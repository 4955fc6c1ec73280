"""The soak's moving parts outside its own process: a scratch database, the sandbox as a process
with a state file, and `manage.py qcluster` workers that can be killed with SIGKILL.

Nothing here imports Django: the scratch database must exist before Django is set up on it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]

# --faults names -> the sandbox's fault settings (command-line flag and control API key).
FAULT_NAMES = {
    "500": "error_500",
    "503": "error_503",
    "429": "error_429",
    "drop": "drop_after_apply",
    "hang": "hang",
}


def faults_parse(text: str) -> dict[str, float]:
    """`503=0.10,drop=0.05` -> {"error_503": 0.1, "drop_after_apply": 0.05}; "" or "none" -> {}."""
    faults: dict[str, float] = {}
    if text.strip().lower() in ("", "none"):
        return faults
    for item in text.split(","):
        name, _, value = item.partition("=")
        if name.strip() not in FAULT_NAMES:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULT_NAMES)}")
        probability = float(value)
        if not 0 <= probability <= 1:
            raise ValueError(f"fault {name} needs a probability between 0 and 1, not {value}")
        faults[FAULT_NAMES[name.strip()]] = probability
    return faults


def faults_flags(faults: dict[str, float], hang_seconds: float) -> list[str]:
    """The sandbox's command-line flags for the faults: flags, not the control API, so that a
    restarted sandbox injects them from its first request on (faults are not in the state file)."""
    flags = [f"--{name.replace('_', '-')}={value}" for name, value in faults.items()]
    return [*flags, f"--hang-seconds={hang_seconds}"] if faults.get("hang") else flags


@dataclass
class ScratchDatabase:
    """A database made for one soak and dropped after it: a fresh PostgreSQL database on the
    server DATABASE_URL names, or an SQLite file in a temporary folder."""

    url: str
    folder: Path
    postgres_name: str = ""

    @classmethod
    def create(cls, base_url: str) -> ScratchDatabase:
        folder = Path(tempfile.mkdtemp(prefix="ledger-chaos-"))
        if not base_url.startswith(("postgres://", "postgresql://", "pgsql://")):
            return cls(url=f"sqlite:///{folder / 'chaos.sqlite3'}", folder=folder)
        parts = urlsplit(base_url)
        name = f"{parts.path.lstrip('/') or 'ledger_bridge'}_chaos_{os.getpid()}"
        _postgres_admin(base_url, f'CREATE DATABASE "{name}"')
        url = urlunsplit(parts._replace(path=f"/{name}"))
        return cls(url=url, folder=folder, postgres_name=name)

    def describe(self) -> str:
        if self.postgres_name:
            return f"PostgreSQL, scratch database {self.postgres_name}"
        return f"SQLite, scratch file {self.folder / 'chaos.sqlite3'}"

    def drop(self, base_url: str) -> None:
        if self.postgres_name:
            _postgres_admin(
                base_url, f'DROP DATABASE IF EXISTS "{self.postgres_name}" WITH (FORCE)'
            )


def _postgres_admin(base_url: str, statement: str) -> None:
    import psycopg

    parts = urlsplit(base_url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username,
        password=parts.password, dbname="postgres", autocommit=True,
    ) as connection:  # fmt: skip
        connection.execute(statement)


class Worker:
    """`manage.py qcluster` in a session of its own, so that SIGKILL takes the whole cluster
    (sentinel, pusher, worker, monitor) at once, as when its machine dies."""

    def __init__(self, number: int, environment: dict[str, str], log_folder: Path):
        self.number = number
        self.environment = environment
        self.log_path = log_folder / f"worker-{number}.log"
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> Worker:
        log = open(self.log_path, "a")  # noqa: SIM115 - the child keeps it open
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=self.environment,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        return self

    @property
    def pid(self) -> int:
        return self.process.pid if self.process else 0

    def kill(self) -> None:
        """SIGKILL to the cluster's process group: no handler runs, no task is given back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.kills += 1

    def stop(self) -> None:
        """SIGTERM to the cluster, which stops its workers; whatever is left after 30 s is
        killed."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # the whole group had ended
        self.process.wait(timeout=30)

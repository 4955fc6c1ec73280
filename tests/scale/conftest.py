"""Fixtures for the concurrency tests: the exports' connection to the sandbox, and real
django-q2 clusters in their own processes against the test database and broker."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection as database

from tests.exports.conftest import exporting, sandbox_endpoint  # noqa: F401


@pytest.fixture(autouse=True)
def _postgres_only():
    if database.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so concurrent runs cannot overlap there.")


def cluster_environment(sandbox, workers: int) -> dict:
    """What a qcluster process needs to work on this test's database (and the Redis broker
    when REDIS_URL is set) against the sandbox."""
    db = database.settings_dict
    url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/"
           f"{db['NAME']}")  # fmt: skip
    return {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": url,
        "SANDBOX_URL": sandbox.base_url, "SANDBOX_APP_SECRET_TOKEN": sandbox.app_token,
        "Q_WORKERS": str(workers), "LOG_LEVEL": "WARNING",
    }  # fmt: skip


@contextlib.contextmanager
def qclusters(count: int, *, workers: int, sandbox, log_folder):
    """`count` qcluster processes (as on `count` machines), each with `workers` workers;
    stopped with SIGTERM (django-q2's graceful stop) on the way out."""
    logs = [open(log_folder / f"qcluster-{n}.log", "w") for n in range(count)]
    clusters = [
        subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=settings.BASE_DIR,
                         env=cluster_environment(sandbox, workers), stdout=log,
                         stderr=subprocess.STDOUT)
        for log in logs
    ]  # fmt: skip
    try:
        yield clusters
    finally:
        for cluster in clusters:
            cluster.terminate()
        for cluster, log in zip(clusters, logs, strict=True):
            cluster.wait(timeout=60)
            log.close()


def cluster_logs(log_folder) -> str:
    return "\n".join(path.read_text()[-2000:] for path in sorted(log_folder.glob("qcluster-*")))

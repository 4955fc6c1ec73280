"""Fixtures for the browser tests: headless Debian Chromium driven through its chromedriver, a
finance manager with the permissions the migrations give, the endpoint allowlist pointed at the
sandbox, and a real `manage.py qcluster` that shares the test database (a file, see
config/settings_test.py)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django_q.brokers import get_broker

# The endpoint allowlist pointed at the sandbox, and a connection set up through the services.
from tests.exports.conftest import exporting, sandbox_endpoint  # noqa: F401
from tests.exports.test_automatic_export import _cluster_environment

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "apt-get install -y --no-install-recommends chromium chromium-driver"
# Long enough for a worker to start on a busy two-core machine; a wait ends as soon as it holds.
WAIT_SECONDS = 45
PASSWORD = "a-long-test-password"

GROUP_MIGRATIONS = (
    "accounts_app.migrations.0002_finance_groups",
    "integration.migrations.0002_finance_group_permissions",
    "integration.migrations.0004_export_permissions",
    "integration.migrations.0006_payment_permissions",
)


def chromium(*, window: str = "1280,1000"):
    """Headless Chromium through Debian's chromedriver. Skips where the packages are missing."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.skip(f"no {' or '.join(missing)}: .ci/run installs Chromium with `{INSTALL}`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    # --no-sandbox: CI runs as root, where Chromium refuses its own sandbox. Scrollbars hidden:
    # the page is laid out at the window's full width.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--hide-scrollbars", f"--window-size={window}"):  # fmt: skip
        options.add_argument(argument)
    # The driver is given, so selenium never looks for (or downloads) one of its own.
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


@pytest.fixture
def browser():
    """Headless Chromium, closed after the test."""
    driver = chromium()
    yield driver
    driver.quit()


@pytest.fixture
def finance_manager(transactional_db) -> User:
    """A staff user in the Finance manager group. The groups are made again from the
    migrations because a transactional test elsewhere flushes every table."""
    for module in GROUP_MIGRATIONS:
        migration = importlib.import_module(module)
        grant = getattr(migration, "grant", None) or migration.create_finance_groups
        grant(django_apps, schema_editor=None)
    user = User.objects.create_user("maja", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Finance manager"))
    return user


@pytest.fixture
def admin(browser, live_server, finance_manager):
    """The admin in the browser, logged in as the finance manager."""
    from tests.e2e.pages import Admin

    pages = Admin(browser, live_server.url)
    pages.log_in(finance_manager.username, PASSWORD)
    return pages


@pytest.fixture
def worker(sandbox, tmp_path):
    """Start a real django-q2 cluster on the configured broker (ORM or Redis) with `start()`;
    it is stopped after the test, and its log printed (pytest shows it when the test fails)."""
    get_broker().purge_queue()
    log_path = tmp_path / "qcluster.log"
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        with open(log_path, "w") as log:
            cluster = subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"], cwd=django_settings.BASE_DIR,
                env={**os.environ, **_cluster_environment(sandbox)},
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        started.append(cluster)
        return cluster

    yield start
    for cluster in started:
        cluster.terminate()
        cluster.wait(timeout=30)
    if log_path.exists():
        print(log_path.read_text()[-3000:])
    get_broker().purge_queue()

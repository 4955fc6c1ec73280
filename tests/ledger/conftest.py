"""Fixtures for the ledger's tests. Tests marked `postgres` need real concurrent writers, which
SQLite serialises at BEGIN IMMEDIATE; they are skipped unless the database is PostgreSQL."""
import importlib

import pytest
from django.db import connection

group_migration = importlib.import_module("accounts_app.migrations.0002_finance_groups")


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason=f"needs PostgreSQL for real concurrent writers; the database is {connection.vendor}"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)

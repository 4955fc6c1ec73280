"""Fixtures for the ledger's tests. Tests marked `postgres` need real concurrent writers, which
SQLite serialises at BEGIN IMMEDIATE; they are skipped unless the database is PostgreSQL."""
import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
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


@pytest.fixture
def finance_groups(db):
    """The groups exactly as the data migration makes them. Re-applied per test because a
    transactional test elsewhere in the suite flushes every table, migration data included."""
    group_migration.create_finance_groups(django_apps, schema_editor=None)
    return {group.name: group for group in Group.objects.filter(name__startswith="Finance")}


def _staff_user(username: str, group: Group) -> User:
    user = User.objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def clerk(finance_groups):
    return _staff_user("clerk", finance_groups["Finance clerk"])


@pytest.fixture
def manager(finance_groups):
    return _staff_user("manager", finance_groups["Finance manager"])

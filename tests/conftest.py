"""Suite-wide fixtures. Each area keeps its own in its folder's conftest.py."""
import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User

# The e-conomic sandbox fixtures (`sandbox`, `sandbox_server`, `sandbox_process`).
pytest_plugins = ["economic_sandbox.pytest_plugin"]

ledger_groups = importlib.import_module("accounts_app.migrations.0002_finance_groups")
integration_groups = importlib.import_module(
    "integration.migrations.0002_finance_group_permissions"
)


@pytest.fixture
def finance_groups(db):
    """The finance groups as the two apps' data migrations make them. Re-applied per test
    because a transactional test elsewhere in the suite flushes every table, migration data
    included."""
    ledger_groups.create_finance_groups(django_apps, schema_editor=None)
    integration_groups.grant(django_apps, schema_editor=None)
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

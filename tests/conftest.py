"""Suite-wide fixtures. Each area keeps its own in its folder's conftest.py."""
import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.utils import translation

# The e-conomic sandbox fixtures (`sandbox`, `sandbox_server`, `sandbox_process`).
pytest_plugins = ["economic_sandbox.pytest_plugin"]

ledger_groups = importlib.import_module("accounts_app.migrations.0002_finance_groups")
integration_groups = importlib.import_module(
    "integration.migrations.0002_finance_group_permissions"
)
# The later migrations that hand the finance groups permissions, each as (label, codename) to
# group names.
GRANTS = {}
for name in ("0004_export_permissions", "0006_payment_permissions",
             "0024_alert_and_audit_permissions", "0027_reconcile_permissions"):  # fmt: skip
    migration = importlib.import_module(f"integration.migrations.{name}")
    for key, groups in getattr(migration, "GRANTS", {}).items():
        GRANTS.setdefault(key, set()).update(groups)
    for codename in getattr(migration, "CODENAMES", ()):
        GRANTS.setdefault(("integration", codename), set()).update(migration.GROUPS)


@pytest.fixture(autouse=True)
def installation_language():
    """Each test starts in the installation's language: a request in Danish leaves its language
    active in the thread (LocaleMiddleware activates, nothing deactivates), which would turn a
    later test's messages Danish."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def finance_groups_make() -> dict[str, Group]:
    """The finance groups as the two apps' data migrations make them, by name."""
    ledger_groups.create_finance_groups(django_apps, schema_editor=None)
    integration_groups.grant(django_apps, schema_editor=None)
    for (label, codename), groups in GRANTS.items():
        # A test that removed a permission (or its content type) keeps it removed.
        permissions = Permission.objects.filter(content_type__app_label=label, codename=codename)
        for group in Group.objects.filter(name__in=groups):
            group.permissions.add(*permissions)
    return {group.name: group for group in Group.objects.filter(name__startswith="Finance")}


@pytest.fixture
def finance_groups(db):
    """Re-applied per test because a transactional test elsewhere in the suite flushes every
    table, migration data included."""
    return finance_groups_make()


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

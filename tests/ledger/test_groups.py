import pytest
from django.contrib.auth.models import Group, Permission

from tests.ledger.conftest import group_migration

pytestmark = pytest.mark.django_db


def codenames(group: Group, app_label: str = "accounts_app") -> set[str]:
    """The group's permissions within one app (the e-conomic side grants its own)."""
    permissions = group.permissions.filter(content_type__app_label=app_label)
    return set(permissions.values_list("codename", flat=True))


def test_the_data_migration_creates_both_groups_from_nothing():
    Group.objects.filter(name__startswith="Finance").delete()
    from django.apps import apps

    group_migration.create_finance_groups(apps, schema_editor=None)
    assert set(Group.objects.values_list("name", flat=True)) >= {"Finance clerk", "Finance manager"}


def test_the_clerk_may_view_add_change_and_finalize_but_not_delete(finance_groups):
    clerk = codenames(finance_groups["Finance clerk"])
    assert {"view_invoice", "add_invoice", "change_invoice", "finalize_invoice",
            "add_customer", "change_payment", "view_vatcode"} <= clerk  # fmt: skip
    assert not any(codename.startswith("delete_") for codename in clerk)


def test_the_manager_may_do_everything_in_the_ledger_including_delete(finance_groups):
    manager = codenames(finance_groups["Finance manager"])
    ledger = set(
        Permission.objects.filter(content_type__app_label="accounts_app")
        .exclude(content_type__model="invoicenumberseries")
        .values_list("codename", flat=True)
    )
    assert manager == ledger


def test_neither_group_gets_anything_of_the_task_queue_or_user_management(finance_groups):
    for group in finance_groups.values():
        labels = set(group.permissions.values_list("content_type__app_label", flat=True))
        assert labels - {"auditlog"} == {"accounts_app", "integration"}, group.name
        audit = group.permissions.filter(content_type__app_label="auditlog")
        assert set(audit.values_list("codename", flat=True)) <= {"view_logentry"}  # to read


def test_running_the_migration_again_restores_exactly_the_same_permissions(finance_groups):
    clerk = finance_groups["Finance clerk"]
    before = codenames(clerk)
    clerk.permissions.add(Permission.objects.get(codename="delete_invoice"))
    from django.apps import apps

    group_migration.create_finance_groups(apps, schema_editor=None)
    assert codenames(clerk) == before
    assert codenames(clerk, "integration"), "the e-conomic side's grants stay"

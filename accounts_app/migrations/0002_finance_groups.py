"""The two roles of finance staff as groups, and the invoice number series.

Finance clerk: view, add and change the ledger, finalize invoices and create credit notes.
Finance manager: all of that and delete. Neither gets anything of django_q: its schedules can
run any importable function, so the task queue is for superusers only.
Running it again (or after a test flush) brings the groups back to exactly these permissions.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

LEDGER_MODELS = [
    "customer", "project", "servicetype", "vatcode", "paymentcondition", "salesaccount",
    "invoice", "invoiceline", "payment",
]  # fmt: skip
CLERK_ACTIONS = ["view", "add", "change"]
MANAGER_ACTIONS = ["view", "add", "change", "delete"]
EXTRA_PERMISSIONS = ["finalize_invoice"]
GROUPS = {"Finance clerk": CLERK_ACTIONS, "Finance manager": MANAGER_ACTIONS}


def _codenames(actions: list[str]) -> list[str]:
    return [f"{action}_{model}" for model in LEDGER_MODELS for action in actions] + EXTRA_PERMISSIONS


def create_finance_groups(apps, schema_editor) -> None:
    # Permissions are normally created after all migrations ran; create them now so that this
    # migration can hand them out on a fresh database.
    app_config = apps.get_app_config("accounts_app")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, actions in GROUPS.items():
        wanted = _codenames(actions)
        permissions = permission_model.objects.filter(
            content_type__app_label="accounts_app", codename__in=wanted
        )
        if permissions.count() != len(wanted):
            raise RuntimeError(f"Permissions missing for group {name!r}; expected {wanted}.")
        group, _ = group_model.objects.get_or_create(name=name)
        # Exactly these of the ledger's permissions; other apps' grants to the group stay.
        ledger = group.permissions.filter(content_type__app_label="accounts_app")
        group.permissions.remove(*ledger.exclude(pk__in=permissions))
        group.permissions.add(*permissions)


def create_invoice_series(apps, schema_editor) -> None:
    series_model = apps.get_model("accounts_app", "InvoiceNumberSeries")
    series_model.objects.get_or_create(name="invoices")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts_app", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_finance_groups, migrations.RunPython.noop),
        migrations.RunPython(create_invoice_series, migrations.RunPython.noop),
    ]

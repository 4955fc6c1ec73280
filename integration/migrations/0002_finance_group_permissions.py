"""What the finance groups may do on the e-conomic side.

Finance clerk: use the mapping screens (service types, VAT codes, payment conditions, sales
accounts, customer links), look at connections, reference data and the call log, and run the
refresh, pairing and matching actions. Finance manager: that, and change connections (tokens,
export method, defaults).
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

MAPPINGS = ["servicetypemapping", "vatcodepairing", "paymentconditionpairing",
            "salesaccountmapping", "customerlink"]  # fmt: skip
READ_ONLY = ["connection", "remoterecord", "apicall"]
CRUD = ["view", "add", "change", "delete"]

CLERK = [f"{action}_{model}" for model in MAPPINGS for action in CRUD] + [
    f"view_{model}" for model in READ_ONLY
]
MANAGER = CLERK + ["add_connection", "change_connection", "delete_connection"]
GROUPS = {"Finance clerk": CLERK, "Finance manager": MANAGER}


def grant(apps, schema_editor) -> None:
    # Permissions are normally created after every migration ran; this one hands them out.
    app_config = apps.get_app_config("integration")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        permissions = list(
            permission_model.objects.filter(
                content_type__app_label="integration", codename__in=codenames
            )
        )
        if len(permissions) != len(codenames):
            raise RuntimeError(f"Permissions missing for group {name!r}; expected {codenames}.")
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("integration", "0001_initial"),
        ("accounts_app", "0002_finance_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

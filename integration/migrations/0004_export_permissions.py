"""What the finance groups may do with exports: both groups start exports ("add export run"),
retry jobs and read runs, jobs and e-conomic's numbers for our invoices."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_exportrun", "view_exportrun", "view_exportjob", "view_invoiceexport",
             "view_projectlink"]  # fmt: skip
GROUPS = ["Finance clerk", "Finance manager"]


def grant(apps, schema_editor) -> None:
    # Permissions are normally created after every migration ran; this one hands them out.
    app_config = apps.get_app_config("integration")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    permission_model = apps.get_model("auth", "Permission")
    permissions = list(
        permission_model.objects.filter(
            content_type__app_label="integration", codename__in=CODENAMES
        )
    )
    if len(permissions) != len(CODENAMES):
        raise RuntimeError(f"Export permissions missing; expected {CODENAMES}.")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("integration", "0003_exports")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

"""What the finance groups may do with payments from e-conomic: read the import log and the
synced payments, and start an import ("Import payments now" needs the view permission)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_paymentimport", "view_syncedpayment"]
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
        raise RuntimeError(f"Payment permissions missing; expected {CODENAMES}.")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("integration", "0005_payments")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

"""What the finance groups may do with the reconciliation: read its runs and findings, and take
a finding's fix (re-export, relink, accept e-conomic's state, mark handled: "change")."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    ("integration", "view_reconcilerun"): ["Finance clerk", "Finance manager"],
    ("integration", "view_reconcilefinding"): ["Finance clerk", "Finance manager"],
    ("integration", "change_reconcilefinding"): ["Finance clerk", "Finance manager"],
}


def grant(apps, schema_editor) -> None:
    # Permissions are normally created after every migration ran; this one hands them out.
    app_config = apps.get_app_config("integration")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    permission_model = apps.get_model("auth", "Permission")
    for (label, codename), groups in GRANTS.items():
        permission = permission_model.objects.get(content_type__app_label=label, codename=codename)
        for group in apps.get_model("auth", "Group").objects.filter(name__in=groups):
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("integration", "0026_daily_budget")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

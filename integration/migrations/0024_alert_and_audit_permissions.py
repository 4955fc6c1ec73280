"""What the finance groups may see of alerts and of the audit trail: both finance groups read
the alerts; the finance manager also reads the audit trail (who changed what, and when). Neither
may change either: both screens are read-only for everyone."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    ("integration", "view_alert"): ["Finance clerk", "Finance manager"],
    ("auditlog", "view_logentry"): ["Finance manager"],
}


def grant(apps, schema_editor) -> None:
    # Permissions are normally created after every migration ran; this one hands them out.
    for label in {label for label, _ in GRANTS}:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    permission_model = apps.get_model("auth", "Permission")
    for (label, codename), groups in GRANTS.items():
        permission = permission_model.objects.get(
            content_type__app_label=label, codename=codename
        )
        for group in apps.get_model("auth", "Group").objects.filter(name__in=groups):
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("integration", "0023_alerts"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

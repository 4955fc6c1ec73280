"""The database table of the shared cache (settings.CACHES without Redis): the webhook's rate
limit lives there, seen by every web process. With Redis configured this makes nothing."""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("integration", "0020_payment_entries_seen")]

    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop)]

"""The database table of the shared cache (settings.CACHES without Redis): the webhook's rate
limit lives there, seen by every web process. Made whether Redis is configured or not, so that
an installation can drop Redis later without a step of its own."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "ledger_bridge_cache"  # CACHES["default"]["LOCATION"] in config/settings.py


def cache_table_create(apps, schema_editor) -> None:
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def cache_table_drop(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("integration", "0021_webhooks_kept_and_delivered")]

    operations = [migrations.RunPython(cache_table_create, cache_table_drop)]

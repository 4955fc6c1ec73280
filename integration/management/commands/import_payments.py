"""Import payments from e-conomic now: `manage.py import_payments [--connection ID]`."""

from django.core.management.base import BaseCommand, CommandError

from integration.models import Connection, ImportTrigger
from integration.models.connection import PaymentSync
from integration.services.payments import payments_import


class Command(BaseCommand):
    help = "Import payments from e-conomic for every connection with payment sync on (or one)."

    def add_arguments(self, parser):
        parser.add_argument("--connection", type=int, help="Only this connection (its id).")

    def handle(self, *args, connection=None, **options):
        connections = Connection.objects.filter(active=True).exclude(payment_sync=PaymentSync.OFF)
        if connection is not None:
            connections = connections.filter(pk=connection)
            if not connections.exists():
                raise CommandError(f"No active connection {connection} with payment sync on.")
        failed = False
        for each in connections:
            run = payments_import(connection=each, trigger=ImportTrigger.MANUAL)
            self.stdout.write(f"{each.name}: {_summary(run)}")
            failed = failed or bool(run.error)
        if failed:
            raise CommandError("At least one import failed; see the lines above.")


def _summary(run) -> str:
    text = (
        f"{run.get_state_display()}; checked {run.checked}, paid {run.paid}, partial "
        f"{run.partial}, reversed {run.reversed}, unchanged {run.unchanged}, skipped "
        f"{run.skipped}; {run.api_calls} API calls"
    )
    return f"{text}. {run.error}" if run.error else text

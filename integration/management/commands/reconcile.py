"""Reconcile exported documents with e-conomic now: `manage.py reconcile [--connection ID]`."""

from django.core.management.base import BaseCommand, CommandError

from integration.models import Connection, ReconcileTrigger
from integration.services.reconcile import findings_open, reconcile_connection


class Command(BaseCommand):
    help = "Hold every active connection's exported documents against e-conomic's (or one's)."

    def add_arguments(self, parser):
        parser.add_argument("--connection", type=int, help="Only this connection (its id).")

    def handle(self, *args, connection=None, **options):
        connections = Connection.objects.filter(active=True)
        if connection is not None:
            connections = connections.filter(pk=connection)
            if not connections.exists():
                raise CommandError(f"No active connection {connection}.")
        failed = False
        for each in connections.order_by("pk"):
            run = reconcile_connection(connection=each, trigger=ReconcileTrigger.MANUAL)
            still_open = len(findings_open(connection=each).get(each.pk, []))
            text = (
                f"{each.name}: {run.get_state_display()}; {run.documents} documents, "
                f"{run.found} differences, {run.agreed} settled since, {still_open} open "
                f"findings; {run.api_calls} of {run.budget} calls"
            )
            self.stdout.write(f"{text}. {run.error}" if run.error else text)
            failed = failed or bool(run.error)
        if failed:
            raise CommandError("At least one reconciliation failed; see the lines above.")

"""Reconcile exported documents with e-conomic now: `manage.py reconcile [--connection ID]`."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integration.management.base import TranslatedCommand
from integration.models import Connection, ReconcileTrigger
from integration.services.reconcile import findings_open, reconcile_connection


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Hold every active connection's exported documents against e-conomic's (or one's)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--connection", type=int, help=gettext_lazy("Only this connection (its id).")
        )

    def handle(self, *args, connection=None, **options):
        connections = Connection.objects.filter(active=True)
        if connection is not None:
            connections = connections.filter(pk=connection)
            if not connections.exists():
                raise CommandError(
                    _("No active connection %(connection)s.") % {"connection": connection}
                )
        failed = False
        for each in connections.order_by("pk"):
            run = reconcile_connection(connection=each, trigger=ReconcileTrigger.MANUAL)
            still_open = len(findings_open(connection=each).get(each.pk, []))
            text = _(
                "%(connection)s: %(state)s; %(documents)d documents, %(found)d differences, "
                "%(agreed)d settled since, %(open)d open findings; %(calls)d of %(budget)d calls"
            ) % {
                "connection": each.name, "state": run.get_state_display(),
                "documents": run.documents, "found": run.found, "agreed": run.agreed,
                "open": still_open, "calls": run.api_calls, "budget": run.budget,
            }
            self.stdout.write(f"{text}. {run.error}" if run.error else text)
            failed = failed or bool(run.error)
        if failed:
            raise CommandError(_("At least one reconciliation failed; see the lines above."))

"""Import payments from e-conomic now: `manage.py import_payments [--connection NAME-OR-ID]`.
It exits 1 when an import failed or left invoices that only a person can sort out, so that cron
mails somebody."""

from django.core.management.base import BaseCommand, CommandError

from integration.management.connection_option import connection_option_add, connections_named
from integration.models import ImportTrigger
from integration.models.connection import PaymentSync
from integration.services.payments import payments_import


class Command(BaseCommand):
    help = "Import payments from e-conomic for every connection with payment sync on (or one)."

    def add_arguments(self, parser):
        connection_option_add(parser)

    def handle(self, *args, connection=None, **options):
        connections = self._connections(connection)
        failed, attention = [], []
        for each in connections:
            run = payments_import(connection=each, trigger=ImportTrigger.MANUAL)
            self.stdout.write(f"{each.name}: {_summary(run)}")
            if run.error:
                failed.append(each.name)
            for line in filter(None, run.needs_person.splitlines()):
                self.stdout.write(f"  needs a person: {line}")
                attention.append(each.name)
        if failed:
            raise CommandError(f"The import of {', '.join(failed)} failed; see the lines above.")
        if attention:
            raise CommandError(
                "Payments were imported, and some invoices need a person (listed above): "
                "open the payment imports in the admin to sort them out."
            )

    def _connections(self, choice):
        chosen = [each for each in connections_named(choice) if each.active]
        syncing = [each for each in chosen if each.payment_sync != PaymentSync.OFF]
        if choice and not syncing:
            raise CommandError(
                f"Connection {choice!r} is inactive or has payment sync off: turn payment sync "
                "on in its settings to import its payments."
            )
        return syncing


def _summary(run) -> str:
    text = (
        f"{run.get_state_display()}; checked {run.checked}, paid {run.paid}, partial "
        f"{run.partial}, reversed {run.reversed}, unchanged {run.unchanged}, skipped "
        f"{run.skipped}; {run.api_calls} API calls"
    )
    return f"{text}. {run.error}" if run.error else text

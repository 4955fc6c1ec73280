"""Import payments from e-conomic now: `manage.py import_payments [--connection NAME-OR-ID]`.
It exits 1 when an import failed or left invoices that only a person can sort out, so that cron
mails somebody."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integration.management.base import TranslatedCommand
from integration.management.connection_option import connection_option_add, connections_named
from integration.models import ImportTrigger
from integration.models.connection import PaymentSync
from integration.services.payments import payments_import


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Import payments from e-conomic for every connection with payment sync on (or one)."
    )

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
                self.stdout.write("  " + _("needs a person: %(reason)s") % {"reason": line})
                attention.append(each.name)
        if failed:
            raise CommandError(
                _("The import of %(connections)s failed; see the lines above.")
                % {"connections": ", ".join(failed)}
            )
        if attention:
            raise CommandError(_(
                "Payments were imported, and some invoices need a person (listed above): "
                "open the payment imports in the admin to sort them out."
            ))

    def _connections(self, choice):
        chosen = [each for each in connections_named(choice) if each.active]
        syncing = [each for each in chosen if each.payment_sync != PaymentSync.OFF]
        if choice and not syncing:
            raise CommandError(_(
                "Connection %(connection)s is inactive or has payment sync off: turn payment sync "
                "on in its settings to import its payments."
            ) % {"connection": repr(choice)})
        return syncing


def _summary(run) -> str:
    text = _(
        "%(state)s; checked %(checked)d, paid %(paid)d, partial %(partial)d, reversed "
        "%(reversed)d, unchanged %(unchanged)d, skipped %(skipped)d; %(calls)d API calls"
    ) % {
        "state": run.get_state_display(), "checked": run.checked, "paid": run.paid,
        "partial": run.partial, "reversed": run.reversed, "unchanged": run.unchanged,
        "skipped": run.skipped, "calls": run.api_calls,
    }
    return f"{text}. {run.error}" if run.error else text

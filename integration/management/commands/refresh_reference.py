from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integration.economic.errors import EconomicError
from integration.management.base import TranslatedCommand
from integration.management.connection_option import connection_option_add, connections_named
from integration.services.connections import ConnectionNotReady, connection_client
from integration.services.reference import reference_refresh


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Read e-conomic's reference data (customers, products, layouts, ...) into the cache."
    )

    def add_arguments(self, parser):
        connection_option_add(parser)

    def handle(self, *args, connection=None, **options):
        failed = []
        for each in connections_named(connection):
            try:
                client = connection_client(connection=each, purpose="reference refresh")
                result = reference_refresh(connection=each, client=client)
            except (EconomicError, ConnectionNotReady) as error:
                # One agreement's failure leaves the others' refresh to run.
                self.stderr.write(f"{each}: {error}")
                failed.append(str(each))
                continue
            counts = ", ".join(f"{count} {kind}" for kind, count in result.counts.items())
            self.stdout.write(
                _("%(connection)s: %(counts)s (%(calls)d API calls)")
                % {"connection": each, "counts": counts, "calls": result.api_calls}
            )
        if failed:
            raise CommandError(
                _("The reference data of %(connections)s was not refreshed.")
                % {"connections": ", ".join(failed)}
            )

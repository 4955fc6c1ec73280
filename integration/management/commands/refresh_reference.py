from django.core.management.base import BaseCommand, CommandError

from integration.economic.errors import EconomicError
from integration.selectors import UnknownConnection, connections_chosen
from integration.services.connections import ConnectionNotReady, connection_client
from integration.services.reference import reference_refresh


class Command(BaseCommand):
    help = "Read e-conomic's reference data (customers, products, layouts, ...) into the cache."

    def add_arguments(self, parser):
        parser.add_argument(
            "--connection", help="Name of the connection (default: every active one)."
        )

    def handle(self, *args, connection=None, **options):
        try:
            connections = connections_chosen(name=connection)
        except UnknownConnection as error:
            raise CommandError(str(error)) from None
        for each in connections:
            try:
                client = connection_client(connection=each, purpose="reference refresh")
                result = reference_refresh(connection=each, client=client)
            except (EconomicError, ConnectionNotReady) as error:
                raise CommandError(f"{each}: {error}") from None
            counts = ", ".join(f"{count} {kind}" for kind, count in result.counts.items())
            self.stdout.write(f"{each}: {counts} ({result.api_calls} API calls)")

"""django-q2 entry points: each finds its rows and calls a service, nothing more."""

from __future__ import annotations

from integration.models import Connection
from integration.services.connections import connection_client
from integration.services.reference import reference_refresh


def reference_refresh_task(connection_id: int) -> str:
    connection = Connection.objects.get(pk=connection_id)
    client = connection_client(connection=connection, purpose="reference refresh")
    result = reference_refresh(connection=connection, client=client)
    return f"{sum(result.counts.values())} records in {result.api_calls} calls"


def reference_refresh_all_task() -> list[str]:
    """The daily refresh: every active, tested connection."""
    connections = Connection.objects.filter(active=True, tested_at__isnull=False)
    return [reference_refresh_task(connection.pk) for connection in connections]

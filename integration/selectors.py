"""Reads of the e-conomic side that several entry points share."""
from __future__ import annotations

from django.db.models import QuerySet

from integration.models import Connection


class UnknownConnection(LookupError):
    pass


def connections_chosen(*, name: str | None = None) -> QuerySet[Connection]:
    """The connection with this name, or every active one when no name is given."""
    if not name:
        return Connection.objects.filter(active=True)
    chosen = Connection.objects.filter(name=name)
    if not chosen.exists():
        names = ", ".join(Connection.objects.values_list("name", flat=True)) or "none yet"
        raise UnknownConnection(f"No connection is named {name!r} (there are: {names}).")
    return chosen

"""Reads of the e-conomic side that several entry points share."""
from __future__ import annotations

from django.db.models import QuerySet

from integration.models import Connection


class UnknownConnection(LookupError):
    pass


def connections_chosen(*, choice: str | None = None) -> QuerySet[Connection]:
    """The connection named by `choice` (its name, or its id when that is all digits and no
    connection bears it as a name), or every active one when `choice` is empty. Every command's
    `--connection` means this."""
    if not choice:
        return Connection.objects.filter(active=True)
    choice = str(choice).strip()
    chosen = Connection.objects.filter(name=choice)
    if not chosen.exists() and choice.isdigit():
        chosen = Connection.objects.filter(pk=int(choice))
    if not chosen.exists():
        known = Connection.objects.order_by("pk").values_list("pk", "name")
        names = ", ".join(f"{name} (id {pk})" for pk, name in known) or "none yet"
        raise UnknownConnection(
            f"No connection is named or numbered {choice!r}; give --connection one of: {names}."
        )
    return chosen

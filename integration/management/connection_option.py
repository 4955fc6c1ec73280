"""`--connection`, meaning the same in every command: a connection's name, or its id."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy

from integration.models import Connection
from integration.selectors import UnknownConnection, connections_chosen

HELP = gettext_lazy("The connection's name or id (default: every active one).")


def connection_option_add(parser) -> None:
    parser.add_argument("--connection", help=HELP)


def connections_named(choice: str | None) -> list[Connection]:
    """The connections `--connection` chose, or a CommandError that lists the valid ones."""
    try:
        return list(connections_chosen(choice=choice))
    except UnknownConnection as error:
        raise CommandError(str(error)) from None

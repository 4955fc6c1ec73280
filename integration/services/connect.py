"""Connect an agreement in a couple of clicks: our side of e-conomic's installation page
(`requestaccess.aspx`, REFERENCE §1.5, ADDENDUM §8).

e-conomic echoes no state of ours, so the one-time state travels inside `redirectUrl` (which
e-conomic keeps) and its hash waits in the user's session: a callback is taken only from the
browser that began it, once, within `STATE_LIFETIME`. The grant token arrives as the query
parameter `token` (some sources say `grant_token`: both are read), is stored encrypted and never
kept anywhere else, and the connection is tested at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from integration.crypto import encryption_problem
from integration.economic.transport import sendable_token
from integration.models import Connection
from integration.services.connections import connection_test

SESSION_KEY = "economic_connect"
STATE_LIFETIME = 15 * 60  # seconds between leaving for e-conomic and coming back
LOCALES = {"da": "da-DK", "en": "en-US", "sv": "sv-SE", "nb": "nb-NO"}
TOKEN_MAX_LENGTH = 200


class ConnectRefused(Exception):
    """Why a connect cannot begin or finish, in words with the fix."""


@dataclass(frozen=True)
class Connected:
    connection: Connection
    tested: bool


def connect_begin(
    *, session, endpoint: str, name: str, callback_url: str, language: str,
    connection: Connection | None = None,
) -> str:  # fmt: skip
    """The address of e-conomic's installation page for this app; the state is in `session`."""
    install_url, public_token = _installation(endpoint)
    if connection is None and Connection.objects.filter(name=name).exists():
        raise ConnectRefused(_(
            "A connection is named %(name)s already: choose another name, or reconnect that "
            "one from its own page."
        ) % {"name": repr(name)})
    state = secrets.token_urlsafe(24)
    session[SESSION_KEY] = {
        "state": _digest(state),
        "endpoint": endpoint,
        "name": name,
        "connection": connection.pk if connection else None,
        "expires": time.time() + STATE_LIFETIME,
    }
    query = {
        "appPublicToken": public_token,
        "locale": LOCALES.get(language.split("-")[0].lower(), "da-DK"),
        "redirectUrl": f"{callback_url}?{urlencode({'state': state})}",
    }
    return f"{install_url}?{urlencode(query)}"


def connect_finish(*, session, state: str, token: str) -> Connected:
    """Store the grant token e-conomic sent back, on a new connection or the one reconnected,
    and test it. The state is used up whatever the outcome."""
    pending = session.pop(SESSION_KEY, None)
    if not pending or pending["expires"] < time.time() or not state or not hmac.compare_digest(
        pending["state"], _digest(state)
    ):
        raise ConnectRefused(_(
            "This return from e-conomic was not begun here, or it is over 15 minutes old: click "
            "Connect with e-conomic again."
        ))
    _check_token(token)
    with transaction.atomic():
        connection = _connection_for(pending)
        connection.grant_token = token
        connection.tested_at, connection.test_error = None, ""
        connection.save()
    # The call to e-conomic after the commit: the token is kept even when e-conomic is down.
    return Connected(connection=connection, tested=connection_test(connection=connection))


def _installation(endpoint: str) -> tuple[str, str]:
    allowed = settings.ECONOMIC_ENDPOINTS.get(endpoint)
    if allowed is None:
        raise ConnectRefused(
            _("%(endpoint)s is not an endpoint this installation may reach.")
            % {"endpoint": repr(endpoint)}
        )
    install_url, public_token = allowed.get("install_url"), allowed.get("app_public_token")
    if not install_url or not public_token:
        raise ConnectRefused(_(
            "%(endpoint)s has no app public token set: put the app's AppPublicToken in "
            "ECONOMIC_APP_PUBLIC_TOKEN (e-conomic › Apps › your app › Tokens), or paste a grant "
            "token on a new connection instead."
        ) % {"endpoint": allowed["label"]})
    return install_url, public_token


def _check_token(token: str) -> None:
    if not token:
        raise ConnectRefused(_(
            "e-conomic sent no grant token back (the app was not added): click Connect with "
            "e-conomic again and choose “Tilføj app”."
        ))
    if len(token) > TOKEN_MAX_LENGTH or not sendable_token(token):
        raise ConnectRefused(_(
            "What came back is not a grant token (too long, or not plain letters and digits): "
            "click Connect with e-conomic again."
        ))
    if problem := encryption_problem():
        raise ConnectRefused(
            _("The grant token cannot be stored: %(problem)s") % {"problem": problem}
        )


def _connection_for(pending: dict) -> Connection:
    if pending["connection"] is not None:
        connection = Connection.objects.select_for_update().filter(pk=pending["connection"]).first()
        if connection is None:
            raise ConnectRefused(_("The connection was deleted meanwhile: connect a new one."))
        return connection
    if Connection.objects.filter(name=pending["name"]).exists():
        raise ConnectRefused(_(
            "A connection named %(name)s was made meanwhile: connect under another name, or "
            "reconnect that one from its own page."
        ) % {"name": repr(pending["name"])})
    return Connection(name=pending["name"], endpoint=pending["endpoint"])


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()

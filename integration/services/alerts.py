"""Alerts: every failure a person must act on reaches the connection's error address, as one
digest an hour at most, each item with its fix and a link.

A source raises an alert under a key that names the problem (`alert_raise`), and resolves it
when the problem is gone (`alert_resolve`); while it is open, raising it again adds no item, so
a job failing every minute is told once. The first alert of a quiet hour goes out at once (a
digest is queued after the commit); the ones after it wait for the hour to pass, when the
schedule sends them together. The hour is claimed with a conditional UPDATE of the connection,
so two workers sending at once send one digest.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from integration.models import Alert, AlertKind, Connection
from integration.services.enqueue import alerts_digest_task_enqueue

DIGEST_INTERVAL = datetime.timedelta(hours=1)


def alert_raise(
    *, connection: Connection, kind: str, key: str, text: str, fix: str, url: str = ""
) -> Alert:
    """Keep the problem as one open item of the connection's next digest. Raised again while
    open, the item keeps its place (and is not sent again) with the newest text."""
    kind = AlertKind(kind)  # an unknown kind is a programming error: ValueError names it
    key = key[:200]
    alert, created = Alert.objects.get_or_create(
        connection=connection, kind=kind, key=key, resolved=None,
        defaults={"text": text, "fix": fix, "url": url[:500]},
    )  # fmt: skip
    if created:
        alerts_digest_task_enqueue(connection_id=connection.pk)
    elif (alert.text, alert.fix, alert.url) != (text, fix, url[:500]):
        Alert.objects.filter(pk=alert.pk).update(text=text, fix=fix, url=url[:500])
        alert.text, alert.fix, alert.url = text, fix, url[:500]
    return alert


def alert_resolve(*, connection: Connection | int, kind: str, key: str) -> int:
    """The problem is gone: its open item leaves the digest (raised again, it is new)."""
    connection_id = getattr(connection, "pk", connection)
    return Alert.objects.filter(
        connection_id=connection_id, kind=AlertKind(kind), key=key[:200], resolved=None
    ).update(resolved=timezone.now())


def admin_url(name: str, *args) -> str:
    """The admin page for an alert's link (made absolute in the mail)."""
    return reverse(f"admin:{name}", args=args)


def alerts_digest_send(*, connection: Connection) -> bool:
    """Send the connection's open, unsent alerts as one e-mail, unless a digest went out within
    the hour (then they wait for the next). Answers whether a digest was sent."""
    if not connection.error_email:
        return False  # kept for the admin; the connection's form asks for an address
    pending = list(
        Alert.objects.filter(connection=connection, sent=None, resolved=None).order_by(
            "created", "id"
        )
    )
    if not pending:
        return False
    now = timezone.now()
    claimed = Connection.objects.filter(
        Q(alerts_sent_at=None) | Q(alerts_sent_at__lte=now - DIGEST_INTERVAL), pk=connection.pk
    ).update(alerts_sent_at=now)
    if not claimed:
        return False
    # Sent outside any transaction; only after it went are the items marked, so a mail server
    # that refuses leaves them for the next hour's digest.
    send_mail(
        subject=_subject(connection, len(pending)),
        message=_body(connection, pending),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[connection.error_email],
    )
    Alert.objects.filter(pk__in=[alert.pk for alert in pending], sent=None).update(sent=now)
    return True


def alerts_digest_send_all() -> int:
    """The schedule: a digest for every connection with alerts waiting. Answers how many went."""
    waiting = Connection.objects.filter(
        alerts__sent=None, alerts__resolved=None
    ).exclude(error_email="").distinct()  # fmt: skip
    return sum(alerts_digest_send(connection=connection) for connection in waiting)


def _subject(connection: Connection, count: int) -> str:
    said = ngettext(
        "e-conomic %(connection)s: %(count)d thing needs attention",
        "e-conomic %(connection)s: %(count)d things need attention",
        count,
    )
    return said % {"connection": connection.name, "count": count}


def _body(connection: Connection, alerts: list[Alert]) -> str:
    items = "\n\n".join(
        f"- {alert.get_kind_display()}: {alert.text}\n  "
        + _("Fix: %(fix)s") % {"fix": alert.fix}
        + (f"\n  {_absolute(alert.url)}" if alert.url else "")
        for alert in alerts
    )
    opening = _("These need a person on the e-conomic connection '%(connection)s':") % {
        "connection": connection.name
    }
    closing = _(
        "At most one such e-mail is sent an hour; what happens meanwhile waits for the next."
    )
    return f"{opening}\n\n{items}\n\n{closing}"


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return settings.LEDGER_SITE_URL.rstrip("/") + url
    return url

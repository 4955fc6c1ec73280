"""The day's API budget of each agreement: the calls of the UTC day, counted by the shared bucket
in the same step that takes its tokens (`integration.economic.ratelimit`), what they come to
against the 50,000 of fair use, whether a kind of work may spend now, and the one warning a day
to the connection's error address (an item of its alert digest).

Who spends: exports and payments are essential and spend to the end; reads (the reference
refresh, the reconciliation) wait for the next UTC midnight once the day's calls pass
`read_share`, so that what is left goes to the work a person waits for.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integration import clock
from integration.bucket_store import bucket_backend, bucket_settings
from integration.economic.ratelimit import Take, utc_day
from integration.models import AlertKind, BudgetWarning, Connection
from integration.services.alerts import admin_url, alert_raise


class Spender(models.TextChoices):
    ESSENTIAL = "essential", gettext_lazy(
        "Exports and payments: spend to the end of the day's calls"
    )
    READ = "read", gettext_lazy(
        "Reads (reference refresh, reconciliation): wait above the read share"
    )


@dataclass(frozen=True)
class BudgetUsage:
    used: int  # calls today (UTC)
    limit: int
    share: float  # used / limit, 0..1 and beyond
    paused_until: datetime.datetime | None  # e-conomic said the day is used up

    def __str__(self) -> str:
        text = _("%(used)s of %(limit)s calls today (%(share)s)") % {
            "used": _grouped(self.used), "limit": _grouped(self.limit),
            "share": f"{self.share:.0%}",
        }
        if self.paused_until is not None:
            text += _("; paused until %(time)s UTC") % {"time": f"{self.paused_until:%H:%M}"}
        return text


def _grouped(number: int) -> str:
    """50,000 in English, 50.000 in Danish."""
    return number_format(number, force_grouping=True)


def agreement_key(*, connection: Connection) -> str:
    """The name of the agreement's bucket and budget: one per agreement, on every worker."""
    return f"{connection.endpoint}:{connection.agreement_number or f'connection-{connection.pk}'}"


def budget_usage(*, connection: Connection) -> BudgetUsage:
    """The agreement's calls today, its limit and share, and whether it is paused: for the
    connection's page and the home page. Reads the shared state; takes nothing."""
    calls, closed_until = bucket_backend(agreement_key(connection=connection)).peek()
    limit = bucket_settings().daily_limit
    now = clock.seconds()
    paused = (
        datetime.datetime.fromtimestamp(closed_until, tz=datetime.UTC)
        if closed_until > now else None
    )  # fmt: skip
    return BudgetUsage(used=calls, limit=limit, share=calls / limit, paused_until=paused)


def budget_may_spend(*, connection: Connection, spender: str) -> bool:
    """Whether work of this kind may call e-conomic for the agreement now. A read asks before
    it starts; the bucket refuses it again per call (BudgetReserved) should it go on."""
    usage = budget_usage(connection=connection)
    if usage.paused_until is not None:
        return False
    return spender == Spender.ESSENTIAL or usage.share < bucket_settings().read_share


def budget_warning_raise(*, connection: Connection, calls: int) -> bool:
    """Tell the connection's error address, once per agreement per UTC day, that the day's
    calls passed the warning share: an item of its hourly alert digest, not a mail of its own.
    Answers whether this call raised it."""
    limit = bucket_settings().daily_limit
    day = datetime.datetime.fromtimestamp(clock.seconds(), tz=datetime.UTC).date()
    try:
        created = BudgetWarning.objects.get_or_create(
            agreement_key=agreement_key(connection=connection), day=day,
            defaults={"calls": calls},
        )[1]  # fmt: skip
    except IntegrityError:  # another worker told it a moment ago
        return False
    if not created:
        return False
    alert_raise(
        connection=connection, kind=AlertKind.BUDGET, key=f"budget {day.isoformat()}",
        text=_("%(connection)s has used %(share)s of today's calls: %(calls)s of the "
               "agreement's %(limit)s (UTC day). Above %(read_share)s reads (reference refresh, "
               "reconciliation) wait for midnight so that exports and payments go first; at the "
               "limit e-conomic refuses every call until 00:00 UTC.")
        % {"connection": connection, "share": f"{calls / limit:.0%}", "calls": _grouped(calls),
           "limit": _grouped(limit), "read_share": f"{bucket_settings().read_share:.0%}"},
        fix=_("If this is more than the day should take, look at the API calls of this "
              "connection for what is calling."),
        url=admin_url("integration_apicall_changelist")
        + f"?connection__id__exact={connection.pk}",
    )  # fmt: skip
    return True


def budget_watch(*, connection: Connection) -> Callable[[Take], None]:
    """What the bucket calls after each take: past the warning share, the warning (which
    itself goes once a day; remembered here too, so a busy worker asks the database once)."""
    threshold = bucket_settings().daily_limit * bucket_settings().warn_share
    warned_day: list[int] = []

    def watch(take: Take) -> None:
        day = utc_day(take.now)
        if take.calls_today >= threshold and day not in warned_day:
            budget_warning_raise(connection=connection, calls=take.calls_today)
            warned_day[:] = [day]

    return watch

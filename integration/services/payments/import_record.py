"""A payment import's record: claimed per connection, counted, finished."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integration.models import ApiCall, Connection, ImportState, PaymentImport
from integration.services.payments.config import payments_setting

OUTCOMES = ("paid", "partial", "reversed", "changed", "unchanged", "skipped")


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    needs_person: list[str] = field(default_factory=list)

    def add(self, outcome: str) -> None:
        self.counts["checked"] += 1
        self.counts[outcome] += 1

    def skip(self, reason: str, *, person: bool = False) -> None:
        self.add("skipped")
        if person:
            self.person_needed(reason)
        else:
            self.warnings.append(reason)

    def person_needed(self, reason: str) -> None:
        """Something the import must not decide (whose money is this?): named for a person, and
        nothing changed for it."""
        self.warnings.append(reason)
        self.needs_person.append(reason)


def payment_import_start(*, connection: Connection, trigger: str) -> PaymentImport:
    """Claim the connection's import: only one row per connection may be running (a partial
    unique index, so it holds on SQLite and PostgreSQL alike). A second import at the same time
    is recorded as skipped and changes nothing."""
    _abandoned_imports_fail(connection)
    try:
        with transaction.atomic():
            return PaymentImport.objects.create(connection=connection, trigger=trigger)
    except IntegrityError:
        return PaymentImport.objects.create(
            connection=connection, trigger=trigger, state=ImportState.SKIPPED,
            finished=timezone.now(),
        )  # fmt: skip


def _abandoned_imports_fail(connection: Connection) -> None:
    """A worker killed mid-run leaves its row running; past the lease it no longer holds the
    lock."""
    lease = datetime.timedelta(seconds=payments_setting("lease_seconds", 3600))
    PaymentImport.objects.filter(
        connection=connection, state=ImportState.RUNNING, started__lt=timezone.now() - lease
    ).update(
        state=ImportState.FAILED,
        finished=timezone.now(),
        error=_("Abandoned: the import did not finish within its lease."),
    )


def payment_import_finish(*, run: PaymentImport, tally: Tally, error: str = "") -> PaymentImport:
    for name in ("checked", *OUTCOMES):
        setattr(run, name, tally.counts[name])
    run.warnings = "\n".join(tally.warnings)
    run.needs_person = "\n".join(tally.needs_person)
    run.error = error
    run.state = ImportState.FAILED if error else ImportState.DONE
    run.finished = timezone.now()
    run.api_calls = ApiCall.objects.filter(payment_import=run).count()
    run.save()
    return run

"""The findings' life: recorded from a run's differences, kept one open per document and kind
(a second run updates it), closed as fixed when e-conomic agrees again, and never raised again
for a difference a person marked handled while e-conomic's side stays as it was then.

Every invoice kind is checked in full by each run (every document with our references is read),
so an open one the run did not find again is settled. A card is only read when it changed, so
an open card finding stays until its card is read again or a fix settles it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from integration.models import (
    Connection,
    FindingKind,
    FindingState,
    ReconcileFinding,
    ReconcileRun,
)
from integration.services.reconcile.compare import Difference

UPDATED = ("run", "detail", "ours", "theirs", "invoice", "customer", "remote_number", "last_seen")


def findings_record(
    *, run: ReconcileRun, differences: Iterable[Difference], cards_read: set[int]
) -> tuple[int, int]:
    """Keep the run's differences as findings; answer (differences found, findings closed
    because e-conomic agrees again)."""
    connection, now = run.connection, timezone.now()
    found = {(difference.kind, difference.document): difference for difference in differences}
    open_ones = {
        (finding.kind, finding.document): finding
        for finding in ReconcileFinding.objects.filter(
            connection=connection, state=FindingState.OPEN
        )
    }
    handled = _handled_sides(connection, {key for key in found if key not in open_ones})
    new, changed = [], []
    for key, difference in found.items():
        finding = open_ones.get(key)
        if finding is None and handled.get(key) == difference.theirs:
            continue  # a person settled this very difference already
        finding = finding or ReconcileFinding(
            connection=connection, kind=difference.kind, document=difference.document
        )
        _fill(finding, difference, run, now)
        (changed if finding.pk else new).append(finding)
    settled = [
        finding.pk
        for key, finding in open_ones.items()
        if key not in found and _was_checked(finding, cards_read)
    ]
    with transaction.atomic():
        ReconcileFinding.objects.bulk_create(new, batch_size=500)
        ReconcileFinding.objects.bulk_update(changed, UPDATED, batch_size=500)
        ReconcileFinding.objects.filter(pk__in=settled).update(
            state=FindingState.FIXED,
            resolved_at=now,
            resolution=_("e-conomic agrees again (reconciliation %(run)s).") % {"run": run.pk},
        )
    return len(found), len(settled)


def _handled_sides(connection: Connection, keys: set[tuple[str, str]]) -> dict:
    """e-conomic's side of the latest handled finding of each of `keys`."""
    if not keys:
        return {}
    documents = {document for _, document in keys}
    handled = ReconcileFinding.objects.filter(
        connection=connection, state=FindingState.HANDLED, document__in=documents
    ).order_by("resolved_at", "pk")
    return {(finding.kind, finding.document): finding.theirs for finding in handled}


def _fill(finding: ReconcileFinding, difference: Difference, run: ReconcileRun, now) -> None:
    finding.run, finding.detail, finding.last_seen = run, difference.detail, now
    finding.ours, finding.theirs = difference.ours, difference.theirs
    finding.invoice_id, finding.customer_id = difference.invoice_id, difference.customer_id
    finding.remote_number = difference.remote_number


def _was_checked(finding: ReconcileFinding, cards_read: set[int]) -> bool:
    return finding.kind != FindingKind.CARD_CHANGED or finding.remote_number in cards_read


def findings_open(*, connection: Connection | None = None) -> dict[int, list[ReconcileFinding]]:
    """The open findings of each connection (or of one), newest first: for the home page and
    the alerts."""
    findings = ReconcileFinding.objects.filter(state=FindingState.OPEN).select_related(
        "connection", "invoice", "customer"
    )
    if connection is not None:
        findings = findings.filter(connection=connection)
    by_connection: dict[int, list[ReconcileFinding]] = {}
    for finding in findings.order_by("connection_id", "-last_seen", "-pk"):
        by_connection.setdefault(finding.connection_id, []).append(finding)
    return by_connection


def findings_open_counts() -> dict[int, int]:
    """How many findings are open, by connection id (connections with none left out)."""
    open_ones = ReconcileFinding.objects.filter(state=FindingState.OPEN)
    counts = open_ones.values("connection").annotate(count=Count("pk"))
    return {row["connection"]: row["count"] for row in counts.order_by()}


def finding_close(*, finding: ReconcileFinding, state: str, resolution: str, user=None) -> bool:
    """Close an open finding as fixed or handled; False when it was no longer open (another
    person or run closed it first: a conditional UPDATE, so two clicks close it once)."""
    closed = ReconcileFinding.objects.filter(pk=finding.pk, state=FindingState.OPEN).update(
        state=state, resolved_at=timezone.now(), resolved_by=user, resolution=resolution[:2000]
    )
    finding.refresh_from_db()
    return bool(closed)


def finding_note(*, finding: ReconcileFinding, resolution: str) -> None:
    """What a fix queued, kept on the finding while it stays open (the next run closes it once
    e-conomic agrees)."""
    ReconcileFinding.objects.filter(pk=finding.pk).update(resolution=resolution[:2000])
    finding.resolution = resolution[:2000]

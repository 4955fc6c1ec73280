"""One reconciliation of one connection, top to bottom: claim the connection (one running run
each, by a partial unique index), read our side and e-conomic's within the budget, compare,
keep the findings, finish the record. Nothing is written until every read is done, so a run
stopped by an error or its budget changes no finding."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError
from integration.models import (
    Connection,
    CustomerLink,
    ReconcileRun,
    ReconcileRunState,
    ReconcileTrigger,
)
from integration.services.budget import Spender
from integration.services.connections import ConnectionNotReady, connection_client
from integration.services.installation import installation_code
from integration.services.reconcile.alerts import reconcile_alert
from integration.services.reconcile.compare import cards_compare, documents_compare
from integration.services.reconcile.compare_vouchers import vouchers_compare
from integration.services.reconcile.findings import findings_record
from integration.services.reconcile.ours import (
    customers_by_card,
    our_documents,
    our_documents_count,
    our_voucher_postings,
    our_vouchers,
)
from integration.services.reconcile.remote import (
    BudgetSpent,
    CallBudget,
    VoucherPlaces,
    calls_budget,
    card_stamp,
    remote_read,
)

LEASE = datetime.timedelta(hours=2)
# e-conomic stamps lastUpdated to the second, on its own clock: read cards a little further back.
CLOCK_MARGIN = datetime.timedelta(minutes=5)


def reconcile_connection(
    *,
    connection: Connection,
    trigger: str = ReconcileTrigger.MANUAL,
    client: EconomicClient | None = None,
) -> ReconcileRun:
    """Hold the connection's exported documents against e-conomic's and keep each difference
    as a finding. Never raises for e-conomic's faults: the run is marked failed with the reason."""
    run = _start(connection, trigger)
    if run.state == ReconcileRunState.SKIPPED:
        return run
    run.documents = our_documents_count(connection=connection)
    run.budget = calls_budget(run.documents)
    budget = None
    try:
        # A read: above 90 % of the day's calls it waits, leaving them to exports and payments.
        client = client or connection_client(
            connection=connection, purpose="reconciliation", spender=Spender.READ
        )
        budget = CallBudget(budget=run.budget, limiter=client.rate_limiter)
        client.rate_limiter = budget
        since = _cards_since(connection)
        vouchers = our_vouchers(connection=connection, installation=installation_code())
        remote = remote_read(
            client=client,
            installation=installation_code(),
            cards_since=since,
            vouchers=_voucher_places(connection, vouchers),
        )
    except (EconomicError, ConnectionNotReady, BudgetSpent) as error:
        return _finish(run, budget, error=str(error))
    differences = [
        *documents_compare(
            ours=our_documents(connection=connection, installation=installation_code()),
            remote=remote,
            payment_sync=connection.payment_sync,
        ),
        *vouchers_compare(
            ours=vouchers, remote=remote, payment_sync=connection.payment_sync,
            postings=_journal_postings(connection, vouchers, remote),
        ),  # fmt: skip
        *cards_compare(
            cards=remote.cards,
            customers=customers_by_card(
                connection=connection,
                numbers={int(card["customerNumber"]) for card in remote.cards},
            ),
        ),
    ]
    cards_read = {int(card["customerNumber"]) for card in remote.cards}
    run.found, run.agreed = findings_record(run=run, differences=differences, cards_read=cards_read)
    run.cards_read_to = _cards_read_to(run, remote, since)
    return _finish(run, budget)


def _journal_postings(connection: Connection, vouchers, remote) -> dict:
    """Ours, for the vouchers e-conomic still has in the journal (where a person may change an
    entry before booking it): read for those alone, so a day's few cost the few."""
    unbooked = {
        reference for reference, found in remote.vouchers.items()
        if any(not voucher.booked for voucher in found)
    }  # fmt: skip
    ids = [voucher.invoice_id for voucher in vouchers if voucher.reference in unbooked]
    return our_voucher_postings(connection=connection, invoice_ids=ids) if ids else {}


def _voucher_places(connection: Connection, vouchers) -> VoucherPlaces:
    if not vouchers:
        return VoucherPlaces()
    return VoucherPlaces(
        journal=connection.voucher_journal_number,
        years=frozenset(voucher.year for voucher in vouchers if voucher.year),
    )


def _start(connection: Connection, trigger: str) -> ReconcileRun:
    ReconcileRun.objects.filter(
        connection=connection,
        state=ReconcileRunState.RUNNING,
        started_at__lt=timezone.now() - LEASE,
    ).update(
        state=ReconcileRunState.FAILED,
        finished_at=timezone.now(),
        error=_("Abandoned: the run did not finish within its lease."),
    )
    try:
        with transaction.atomic():
            return ReconcileRun.objects.create(connection=connection, trigger=trigger)
    except IntegrityError:
        return ReconcileRun.objects.create(
            connection=connection,
            trigger=trigger,
            state=ReconcileRunState.SKIPPED,
            finished_at=timezone.now(),
        )


def _cards_since(connection: Connection) -> datetime.datetime | None:
    """Where the last complete run left the cards; the first run looks back to when the first
    card was linked. None: no card is linked, so none is read."""
    done = (
        ReconcileRun.objects.filter(connection=connection, state=ReconcileRunState.DONE)
        .exclude(cards_read_to=None)
        .order_by("-started_at")
        .values_list("cards_read_to", flat=True)
        .first()
    )
    if done is None:
        done = CustomerLink.objects.filter(
            connection=connection, remote_number__isnull=False
        ).aggregate(first=Min("updated_at"))["first"]
    return done - CLOCK_MARGIN if done is not None else None


def _cards_read_to(run: ReconcileRun, remote, since) -> datetime.datetime | None:
    """Every card changed before this run began was read, or, when the budget ran out among
    them (oldest first), those up to the last one read: the next run carries on from there."""
    if since is None:
        return None
    if remote.cards_complete:
        return run.started_at
    last = card_stamp(remote.cards[-1]) if remote.cards else None
    return last + CLOCK_MARGIN if last is not None else since + CLOCK_MARGIN


def _finish(run: ReconcileRun, budget: CallBudget | None, error: str = "") -> ReconcileRun:
    run.api_calls = budget.calls if budget is not None else 0
    run.error = error
    run.state = ReconcileRunState.FAILED if error else ReconcileRunState.DONE
    run.finished_at = timezone.now()
    run.save()
    reconcile_alert(run=run)
    return run


def reconcile_all(*, trigger: str = ReconcileTrigger.DAILY) -> list[ReconcileRun]:
    """The daily reconciliation: every active, tested connection, one after another."""
    connections = Connection.objects.filter(active=True, tested_at__isnull=False)
    return [
        reconcile_connection(connection=connection, trigger=trigger)
        for connection in connections.order_by("pk")
    ]

"""Run a payment import for one connection."""

from __future__ import annotations

from auditlog.context import disable_auditlog
from django.utils import timezone
from django.utils.translation import gettext as _

from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError
from integration.models import Connection, ImportState, ImportTrigger, PaymentImport
from integration.models.connection import PaymentSync
from integration.services.connections import (
    ApiCallLog,
    ConnectionNotReady,
    connection_client,
)
from integration.services.enqueue import payments_import_task_enqueue
from integration.services.payments.import_alerts import payment_import_alert
from integration.services.payments.import_record import (
    Tally,
    payment_import_finish,
    payment_import_start,
)
from integration.services.payments.scan import Scan


def payments_import(
    *,
    connection: Connection,
    trigger: str = ImportTrigger.MANUAL,
    numbers: list[int] | None = None,
    client: EconomicClient | None = None,
) -> PaymentImport:
    """Look at e-conomic once and bring our invoices in line: every exported invoice, or only
    `numbers` (booked invoice numbers a webhook named). Never raises for e-conomic's faults: the
    run is marked failed with the reason (an alert for the error address), and each invoice
    already handled stays consistent."""
    run = payment_import_start(connection=connection, trigger=trigger)
    if run.state == ImportState.SKIPPED:
        return run
    reason = _not_due(connection)
    if reason:
        run = payment_import_finish(run=run, tally=Tally(warnings=[reason]))
    else:
        # What the import writes is kept in words on the synced payments (PaymentChange), one
        # row per change: the audit trail is for what people change, and stays out of its way.
        with disable_auditlog():
            run = _scan(run, connection, numbers, client)
    payment_import_alert(run=run)
    return run


def _scan(run, connection, numbers, client) -> PaymentImport:
    scan = None
    try:
        client = client or connection_client(connection=connection, purpose="payment import")
        client.recorder = ApiCallLog(
            connection=connection, purpose="payment import", payment_import=run
        )
        scan = Scan(run=run, client=client)
        tally = scan.numbers(numbers) if numbers else scan.everything()
    except (EconomicError, ConnectionNotReady) as error:
        # What the run got through before it stopped is kept: each of those invoices is whole.
        tally = scan.tally if scan is not None else Tally()
        return payment_import_finish(run=run, tally=tally, error=str(error))
    return payment_import_finish(run=run, tally=tally)


def _not_due(connection: Connection) -> str:
    if connection.payment_sync == PaymentSync.OFF:
        return _("Payment sync is off for this connection.")
    if timezone.localdate() < connection.payments_since:
        return _("Payments are imported from %(date)s on.") % {
            "date": f"{connection.payments_since:%Y-%m-%d}"
        }
    return ""


def payments_import_queue(*, connection: Connection, trigger: str, numbers=None) -> None:
    """Queue an import once the current transaction commits."""
    payments_import_task_enqueue(connection_id=connection.pk, trigger=trigger, numbers=numbers)

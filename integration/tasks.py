"""django-q2 entry points: each finds its rows and calls a service, nothing more."""

from __future__ import annotations

from integration.models import Connection
from integration.services.connections import connection_client
from integration.services.reference import reference_refresh


def reference_refresh_task(connection_id: int) -> str:
    from integration.services.budget import Spender, budget_may_spend, budget_usage

    connection = Connection.objects.get(pk=connection_id)
    if not budget_may_spend(connection=connection, spender=Spender.READ):
        return f"waits for 00:00 UTC: {budget_usage(connection=connection)}"
    client = connection_client(
        connection=connection, purpose="reference refresh", spender=Spender.READ
    )
    result = reference_refresh(connection=connection, client=client)
    return f"{sum(result.counts.values())} records in {result.api_calls} calls"


def reference_refresh_all_task() -> list[str]:
    """The daily refresh: every active, tested connection."""
    connections = Connection.objects.filter(active=True, tested_at__isnull=False)
    return [reference_refresh_task(connection.pk) for connection in connections]


def export_run_task(run_id: int, part: int = 0, parts: int = 1) -> str:
    """Work through an export run's due jobs (several of these may run at once: this one is
    number `part` of the `parts` rung together)."""
    from integration.models import ExportRun
    from integration.services.exports import export_run_refresh, export_run_work
    from integration.services.exports.runs import export_task_budget

    run = ExportRun.objects.select_related("connection").get(pk=run_id)
    handled = export_run_work(run=run, budget=export_task_budget(), share=(part, parts))
    run = export_run_refresh(run=run)
    return f"{handled} jobs handled; {run.done} done, {run.failed} failed of {run.total}"


def export_job_task(job_id: int) -> str:
    """Send one job queued by the automatic export (its customer first, if it waits for one)."""
    from integration.services.exports import export_job_send

    return f"{export_job_send(job_id=job_id)} jobs handled"


def export_connection_task(connection_id: int) -> str:
    """Send every due job of a connection that belongs to no run (the sweeper rings this)."""
    from integration.services.exports import export_process

    connection = Connection.objects.get(pk=connection_id)
    return f"{export_process(connection=connection)} jobs handled"


def exports_sweep_task() -> dict:
    from integration.services.exports import exports_sweep

    return exports_sweep()


def payments_import_task(connection_id: int, trigger: str = "daily", numbers=None) -> str:
    """The daily schedule, "Import payments now" and webhooks all end here."""
    from integration.services.payments import payments_import

    connection = Connection.objects.filter(pk=connection_id).first()
    if connection is None:  # deleted after this task was queued (its schedule went with it)
        return f"Skipped: connection {connection_id} no longer exists."
    run = payments_import(connection=connection, trigger=trigger, numbers=numbers or None)
    counts = f"{run.paid} paid, {run.partial} partial, {run.reversed} reversed"
    return f"{run.get_state_display()}: {counts}"


def alerts_digest_task(connection_id: int) -> bool:
    """The first alert of a quiet hour goes out at once."""
    from integration.services.alerts import alerts_digest_send

    connection = Connection.objects.filter(pk=connection_id).first()
    return connection is not None and alerts_digest_send(connection=connection)


def alerts_digest_all_task() -> int:
    from integration.services.alerts import alerts_digest_send_all

    return alerts_digest_send_all()


def worker_heartbeat_task() -> str:
    from integration.services.workers import worker_heartbeat_record

    return f"seen at {worker_heartbeat_record().seen:%H:%M:%S}"


def reconcile_task(connection_id: int, trigger: str = "manual") -> str:
    """ "Reconcile now" ends here."""
    from integration.services.reconcile import reconcile_connection

    run = reconcile_connection(connection=Connection.objects.get(pk=connection_id), trigger=trigger)
    return f"{run.get_state_display()}: {run.found} differences in {run.api_calls} calls"


def reconcile_all_task() -> list[str]:
    """The daily reconciliation, after the payment import."""
    from integration.services.reconcile import reconcile_all

    return [f"{run.connection}: {run.get_state_display()}, {run.found} differences"
            for run in reconcile_all()]  # fmt: skip

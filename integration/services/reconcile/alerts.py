"""What a person is told of a reconciliation: a run that stopped, and differences left open
(resolved once e-conomic and the ledger agree again, or each finding is handled)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from integration.models import AlertKind, ReconcileRun, ReconcileRunState
from integration.services.alerts import admin_url, alert_raise, alert_resolve
from integration.services.reconcile.findings import findings_open_counts

STOPPED_KEY = "reconciliation stopped"
OPEN_KEY = "reconciliation findings open"


def reconcile_alert(*, run: ReconcileRun) -> None:
    """Raise or resolve the alerts a finished run calls for."""
    connection = run.connection
    if run.state == ReconcileRunState.FAILED:
        alert_raise(
            connection=connection, kind=AlertKind.RECONCILIATION, key=STOPPED_KEY,
            text=_("The reconciliation of %(started)s stopped: %(error)s")
            % {"started": f"{run.started_at:%Y-%m-%d %H:%M}", "error": run.error},
            fix=_("Fix what the message names, then use Reconcile with e-conomic now on the "
                  "connection; findings from earlier runs stay as they were."),
            url=admin_url("integration_connection_changelist"),
        )  # fmt: skip
        return
    alert_resolve(connection=connection, kind=AlertKind.RECONCILIATION, key=STOPPED_KEY)
    count = findings_open_counts().get(connection.pk, 0)
    if not count:
        alert_resolve(connection=connection, kind=AlertKind.RECONCILIATION, key=OPEN_KEY)
        return
    alert_raise(
        connection=connection, kind=AlertKind.RECONCILIATION, key=OPEN_KEY,
        text=ngettext(
            "%(count)d difference between the ledger and e-conomic is open.",
            "%(count)d differences between the ledger and e-conomic are open.",
            count,
        ) % {"count": count},
        fix=_("Open the findings and take each one's fix: re-export, relink, accept e-conomic's "
              "state, or mark it handled."),
        url=admin_url("integration_reconcilefinding_changelist")
        + f"?connection__id__exact={connection.pk}",
    )  # fmt: skip

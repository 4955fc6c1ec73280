"""What a person is told of payment imports: one that stopped (resolved by the next that
finishes), and each payment it would not apply on its own (whose money is this?)."""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from integration.models import AlertKind, ImportState, PaymentImport
from integration.services.alerts import admin_url, alert_raise, alert_resolve

STOPPED_KEY = "payment import stopped"


def payment_import_alert(*, run: PaymentImport) -> None:
    """Raise or resolve the alerts an import's outcome calls for."""
    if run.state == ImportState.FAILED:
        alert_raise(
            connection=run.connection, kind=AlertKind.PAYMENT_IMPORT, key=STOPPED_KEY,
            text=_("The payment import of %(started)s stopped: %(error)s")
            % {"started": f"{run.started:%Y-%m-%d %H:%M}", "error": run.error},
            fix=_("Fix what the message names (tokens, the connection's set-up, e-conomic's "
                  "answer), then use Import payments now on the connection; invoices already "
                  "handled stay as they are."),
            url=admin_url("integration_paymentimport_change", run.pk),
        )  # fmt: skip
    elif run.state == ImportState.DONE:
        alert_resolve(connection=run.connection, kind=AlertKind.PAYMENT_IMPORT, key=STOPPED_KEY)
    for reason in filter(None, run.needs_person.split("\n")):
        # Keyed by the reason itself: the next import that meets it again adds no item.
        digest = hashlib.sha256(reason.encode()).hexdigest()[:32]
        alert_raise(
            connection=run.connection, kind=AlertKind.PAYMENT_IMPORT,
            key=f"needs a person {digest}", text=reason,
            fix=_("Decide in e-conomic or the ledger whose payment it is and record it there; "
                  "the import changes nothing for it on its own."),
            url=admin_url("integration_paymentimport_change", run.pk),
        )  # fmt: skip

"""A payment import in words, for its admin page and the admin index: what it did, the money
per currency, and the invoices a person must look at."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts_app.selectors import amounts_by_currency
from integration.models import ImportState, PaymentImport, SyncedPayment, SyncedPaymentKind


def payment_import_summary(*, run: PaymentImport) -> str:
    """ "Paid 12, partly paid 3, reversed 1, changed 0 — received 45.000,00 DKK, 1.200,00 EUR;
    2 invoices need a person: …" """
    if run.state in (ImportState.RUNNING, ImportState.SKIPPED):
        return f"{run.get_state_display()}."
    sentence = _(
        "Paid %(paid)d, partly paid %(partial)d, reversed %(reversed)d, changed %(changed)d"
    ) % {
        "paid": run.paid, "partial": run.partial, "reversed": run.reversed, "changed": run.changed
    }
    received = payment_import_received(run=run)
    if received:
        sentence += _(" — received %(amounts)s") % {
            "amounts": ", ".join(str(money) for money in received)
        }
    problems = run.needs_person.splitlines()
    if problems:
        sentence += ngettext(
            "; %(count)d invoice needs a person: %(problems)s",
            "; %(count)d invoices need a person: %(problems)s",
            len(problems),
        ) % {"count": len(problems), "problems": "; ".join(problems)}
    if run.state == ImportState.FAILED:
        return _("Failed: %(error)s Before it stopped: %(done)s.") % {
            "error": run.error, "done": sentence
        }
    return f"{sentence}."


def payment_import_received(*, run: PaymentImport):
    """The cash this run recorded, per currency (credit-note settlements are not cash)."""
    recorded = SyncedPayment.objects.filter(payment_import=run, kind=SyncedPaymentKind.CASH)
    return amounts_by_currency(recorded, amount="amount")

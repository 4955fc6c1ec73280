"""django-q2 entry points of the ledger: each calls a service, nothing more."""

from __future__ import annotations

from accounts_app.services.imports import ledger_import_run


def ledger_import_task(ledger_import_id: int) -> str:
    """Import an uploaded spreadsheet, all rows or none."""
    ledger_import = ledger_import_run(ledger_import_id=ledger_import_id)
    if ledger_import is None:
        return "taken by another worker"
    return f"{ledger_import.get_state_display()}: {ledger_import.totals}"

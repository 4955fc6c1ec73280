"""The daily reconciliation of our exported documents against e-conomic's (DESIGN §3
Operations). One module per concern, each read top to bottom:

- `runs`: one run of one connection (claim, read, compare, record), and the daily round;
- `ours` and `remote`: our exported invoices and cards, and e-conomic's documents read in
  pages through the client within the run's budget (`ceil(documents / 1000) + 10` calls);
- `compare`: the differences, pure functions;
- `findings`: the findings' life (one open per document and kind, closed when e-conomic agrees
  again) and `findings_open` (and `findings_open_counts`) for the home page and alerts;
- `fixes`: re-export, relink, accept e-conomic's state, mark handled;
- `schedules`: the daily schedule after the payment import.
"""

from integration.services.reconcile.findings import findings_open, findings_open_counts
from integration.services.reconcile.fixes import FIX_LABELS, FixRefused, finding_fix, finding_fixes
from integration.services.reconcile.runs import reconcile_all, reconcile_connection

__all__ = [
    "FIX_LABELS",
    "FixRefused",
    "finding_fix",
    "finding_fixes",
    "findings_open",
    "findings_open_counts",
    "reconcile_all",
    "reconcile_connection",
]

"""Exports to e-conomic: the outbox (jobs), runs, the dry run and the sweeper.

Public services (keyword-only): `export_run_start`, `export_process`, `export_run_refresh`,
`export_run_status`, `export_job_retry`, `export_jobs_retry`, `export_job_send`, `exports_sweep`,
`invoice_finalized_export`.
"""

from integration.services.exports.context import Blocker, ExportContext, Refused
from integration.services.exports.jobs import (
    export_job_claim,
    export_job_retry,
    export_jobs_retry,
)
from integration.services.exports.runner import export_process, export_run_work
from integration.services.exports.runs import (
    export_run_enqueue,
    export_run_refresh,
    export_run_start,
    export_run_status,
)
from integration.services.exports.sweeper import (
    export_job_send,
    exports_sweep,
    invoice_finalized_export,
)

__all__ = [
    "Blocker",
    "ExportContext",
    "Refused",
    "export_job_claim",
    "export_job_retry",
    "export_job_send",
    "export_jobs_retry",
    "export_process",
    "export_run_enqueue",
    "export_run_refresh",
    "export_run_start",
    "export_run_status",
    "export_run_work",
    "exports_sweep",
    "invoice_finalized_export",
]

"""Exports to e-conomic. One module per part, each read top to bottom:

- `runs`: a run's life (start, its jobs, the tasks rung, work, progress, finish, digest);
  `dry_run` what a run would send, with nothing written;
- `worker`: the due jobs of a run or connection, kind by kind, each to its job kind's module;
- `invoice_job` (draft or booked), `voucher_job` (a batch in one call), `customer_job`,
  `project_job`: claim -> prepare -> call -> record, for one kind of job;
- `jobs`: the outbox cycle they share (claim, lease, backoff, done, failed, retry, moves);
- `snapshots`: what an export sends, decided from `integration.services.export_context` (the
  mappings and reference data, shared with the setup check); the rules that block it are in
  `integration.services.blockers`;
- `changes` and `sweeper`: jobs written when a customer, project or invoice changes, and the
  sweeper that rings again for what a lost task left.
"""

from integration.services.blockers import Blocker, Refused
from integration.services.export_context import ExportContext
from integration.services.exports.jobs import (
    export_job_claim,
    export_job_retry,
    export_jobs_retry,
)
from integration.services.exports.runs import (
    export_run_enqueue,
    export_run_refresh,
    export_run_start,
    export_run_status,
    export_run_work,
)
from integration.services.exports.sweeper import (
    export_job_send,
    exports_sweep,
    invoice_finalized_export,
)
from integration.services.exports.worker import export_process

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

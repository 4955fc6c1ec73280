"""Export finalized invoices from the command line, with a progress bar, or show in a dry run
what would be sent. The work is done here, by `--workers` threads claiming jobs side by side
(the claim keeps them from doing anything twice), not by the task queue. It exits 1 when any
invoice needs a person (refused, failed, or blocked in a dry run), so that cron mails somebody."""

from __future__ import annotations

import datetime
import threading
import time

from django.core.management.base import CommandError
from django.db import connection as database
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from accounts_app.models import Invoice
from integration.management.base import TranslatedCommand
from integration.management.connection_option import connections_named
from integration.models import ExportJob, ExportRun, InvoiceExport, JobState
from integration.models.exports import TERMINAL_STATES
from integration.services.exports import (
    Refused,
    export_run_refresh,
    export_run_start,
    export_run_work,
)
from integration.services.setup_check import SetupBlocked


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(text)s is not a date; write it as YYYY-MM-DD.") % {"text": repr(text)}
        ) from None


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Export finalized invoices to e-conomic (those not exported yet), or dry-run it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", type=_date, help=gettext_lazy("Issued on or after (YYYY-MM-DD).")
        )
        parser.add_argument(
            "--until", type=_date, help=gettext_lazy("Issued on or before (YYYY-MM-DD).")
        )
        parser.add_argument(
            "--invoice", type=int, action="append", help=gettext_lazy("Our invoice number.")
        )
        parser.add_argument("--connection", help=gettext_lazy(
            "The connection's name or id (default: every active one). Needed when there are "
            "several."
        ))  # fmt: skip
        parser.add_argument("--method", choices=["draft", "booked", "voucher"])
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("Show, send nothing.")
        )
        parser.add_argument(
            "--workers", type=int, default=1, help=gettext_lazy("Threads sending at once.")
        )

    def handle(self, *args, **options):
        connection = self._connection(options["connection"])
        invoices = self._invoices(connection, options)
        if not invoices.exists():
            self.stdout.write(_("No invoice to export."))
            return
        try:
            run = export_run_start(
                connection=connection,
                invoices=invoices,
                method=options["method"] or "",
                dry_run=options["dry_run"],
                selection=self._selection(options),
            )
        except (SetupBlocked, Refused) as error:
            raise CommandError(_("Nothing was exported.") + f"\n{error}") from None
        if run.dry_run:
            self._show(run)
            return
        self._work(run, options["workers"])

    def _connection(self, choice):
        chosen = connections_named(choice)
        if len(chosen) != 1:
            raise CommandError(_("Name the connection with --connection (there are several)."))
        return chosen[0]

    def _invoices(self, connection, options):
        invoices = Invoice.objects.exclude(state=Invoice.State.DRAFT)
        if options["invoice"]:
            return invoices.filter(number__in=options["invoice"])
        if options["since"]:
            invoices = invoices.filter(issue_date__gte=options["since"])
        if options["until"]:
            invoices = invoices.filter(issue_date__lte=options["until"])
        exported = InvoiceExport.objects.filter(connection=connection).values("invoice")
        return invoices.exclude(pk__in=exported)

    def _selection(self, options) -> str:
        if options["invoice"]:
            numbers = ", ".join(str(number) for number in options["invoice"])
            return _("invoices %(numbers)s") % {"numbers": numbers}
        return _("issued %(since)s to %(until)s") % {
            "since": options["since"] or _("any time"),
            "until": options["until"] or _("now"),
        }

    def _work(self, run: ExportRun, workers: int) -> None:
        threads = [threading.Thread(target=_worker, args=(run,)) for _ in range(max(workers, 1))]
        for thread in threads:
            thread.start()
        # The workers' log lines are printed above the bar, not through it.
        with logging_redirect_tqdm(), tqdm(
            total=run.total, unit=_("invoice"), desc=_("Export %(id)s") % {"id": run.pk}
        ) as bar:
            while any(thread.is_alive() for thread in threads):
                time.sleep(0.2)
                bar.update(self._finished(run) - bar.n)
            run = export_run_refresh(run=run)
            bar.update(run.done + run.failed - bar.n)
        self.stdout.write(
            _("%(done)d exported, %(failed)d need attention, of %(total)d.")
            % {"done": run.done, "failed": run.failed, "total": run.total}
        )
        for job in run.jobs.filter(state__in=(JobState.FAILED, JobState.DEAD)):
            self.stdout.write(f"- {job.last_error}")
        if run.failed:
            raise CommandError(
                _(
                    "%(failed)d of %(total)d invoices need a person (listed above): fix each "
                    "reason, then export them again."
                )
                % {"failed": run.failed, "total": run.total}
            )

    def _finished(self, run: ExportRun) -> int:
        run.refresh_from_db(fields=["done", "failed"])
        return run.done + run.failed

    def _show(self, run: ExportRun) -> None:
        for blocker in run.report["setup_blockers"]:
            self.stdout.write(_("Set-up blocker: %(blocker)s") % {"blocker": blocker})
        for entry in run.report["invoices"]:
            if entry["blockers"]:
                self.stdout.write(
                    _("%(invoice)s: would be refused:") % {"invoice": entry["invoice"]}
                )
                for blocker in entry["blockers"]:
                    self.stdout.write(f"    {blocker}")
                continue
            self.stdout.write(
                _(
                    "%(invoice)s as %(method)s: customer %(customer)s, layout %(layout)s, payment "
                    "terms %(payment_terms)s, VAT zone %(vat_zone)s, %(net)s + VAT %(vat)s = "
                    "%(gross)s %(currency)s"
                )
                % entry
            )
            for line in entry["lines"]:
                self.stdout.write(
                    "    "
                    + _(
                        "product %(product_number)s: %(description)s %(quantity)s x "
                        "%(unit_price)s less %(discount_percent)s %%"
                    )
                    % line
                )
        self.stdout.write(_("Dry run: nothing was sent to e-conomic."))
        refused = sum(1 for entry in run.report["invoices"] if entry["blockers"])
        if run.report["setup_blockers"] or refused:
            said = (
                _(
                    "%(refused)d of %(total)d invoices would be refused and the set-up blocks "
                    "the export: fix the blockers listed above."
                )
                if run.report["setup_blockers"]
                else _(
                    "%(refused)d of %(total)d invoices would be refused: fix the blockers listed "
                    "above."
                )
            )
            raise CommandError(said % {"refused": refused, "total": len(run.report["invoices"])})


def _worker(run: ExportRun) -> None:
    """Send until every job of the run is finished: a job that waits (for its customer, or a
    backoff) is taken up again when it is due, as the sweeper would."""
    try:
        while ExportJob.objects.filter(run=run).exclude(state__in=TERMINAL_STATES).exists():
            export_run_work(run=run, patience=3600)
    finally:
        database.close()  # each thread has its own database connection

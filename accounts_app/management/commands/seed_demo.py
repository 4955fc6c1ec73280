"""manage.py seed_demo: fill the ledger with a realistic Danish demo company."""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts_app.services.demo import demo_seed


class Command(BaseCommand):
    help = (
        "Create the demo company (customers, projects, ~200 invoices over the last three "
        "months). Safe to run again: whatever exists is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            help="The demo's 'today' as YYYY-MM-DD (default: today); invoices lie before it.",
        )

    def handle(self, *args, anchor=None, **options):
        result = demo_seed(anchor=self._anchor(anchor))
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo ledger ready: %(created)s invoices created, %(skipped)s already there, "
                  "%(credit_notes)s credit notes created.")
                % {"created": result.created_invoices, "skipped": result.skipped_invoices,
                   "credit_notes": result.credit_notes}
            )  # fmt: skip
        )

    def _anchor(self, value: str | None) -> datetime.date:
        if value is None:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(
                _("--anchor %(value)s is not a date; write it as YYYY-MM-DD.")
                % {"value": repr(value)}
            ) from error

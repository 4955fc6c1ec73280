"""manage.py seed_demo: fill the ledger with a realistic Danish demo company."""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

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
                f"Demo ledger ready: {result.created_invoices} invoices created, "
                f"{result.skipped_invoices} already there, {result.credit_notes} credit notes "
                "created."
            )
        )

    def _anchor(self, value: str | None) -> datetime.date:
        if value is None:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(
                f"--anchor {value!r} is not a date; write it as YYYY-MM-DD."
            ) from error

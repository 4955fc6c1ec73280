from django.core.management.base import BaseCommand, CommandError

from integration.selectors import UnknownConnection, connections_chosen
from integration.services.setup_check import setup_check


class Command(BaseCommand):
    help = "List every blocker and warning that stands before exporting to e-conomic, with its fix."

    def add_arguments(self, parser):
        parser.add_argument(
            "--connection", help="Name of the connection (default: every active one)."
        )

    def handle(self, *args, connection=None, **options):
        try:
            connections = connections_chosen(name=connection)
        except UnknownConnection as error:
            raise CommandError(str(error)) from None
        blocked = False
        for each in connections:
            report = setup_check(connection=each)
            self.stdout.write(report.summary())
            for finding in report.findings:
                label = "BLOCKER" if finding.blocks else "warning"
                self.stdout.write(f"  {label} [{finding.code}] {finding.message}")
                self.stdout.write(f"      fix: {finding.fix}")
            blocked = blocked or not report.ready
        if blocked:
            raise CommandError("Blockers stand: fix them before exporting.")

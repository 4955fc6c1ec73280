from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integration.management.base import TranslatedCommand
from integration.management.connection_option import connection_option_add, connections_named
from integration.services.setup_check import setup_check


class Command(TranslatedCommand):
    help = gettext_lazy(
        "List every blocker and warning that stands before exporting to e-conomic, with its fix."
    )

    def add_arguments(self, parser):
        connection_option_add(parser)

    def handle(self, *args, connection=None, **options):
        connections = connections_named(connection)
        blocked = False
        for each in connections:
            report = setup_check(connection=each)
            self.stdout.write(report.summary())
            for finding in report.findings:
                label = _("BLOCKER") if finding.blocks else _("warning")
                self.stdout.write(f"  {label} [{finding.code}] {finding.message}")
                self.stdout.write("      " + _("fix: %(fix)s") % {"fix": finding.fix})
            blocked = blocked or not report.ready
        if blocked:
            raise CommandError(_("Blockers stand: fix them before exporting."))

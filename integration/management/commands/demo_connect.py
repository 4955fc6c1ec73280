import time

from django.core.management.base import BaseCommand, CommandError

from integration.services.demo import demo_connection_setup, demo_grant_token


class Command(BaseCommand):
    help = "Connect the demo to the local e-conomic sandbox and set up its mappings (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait", type=float, default=20.0, help="Seconds to wait for the sandbox to answer."
        )

    def handle(self, *args, wait: float, **options):
        deadline = time.monotonic() + wait
        while True:
            setup = demo_connection_setup(grant_token=demo_grant_token())
            if setup.ready or time.monotonic() > deadline:
                break
            time.sleep(1.0)
        if not setup.ready:
            raise CommandError(f"The sandbox did not accept the demo connection: {setup.message}")
        self.stdout.write(f"Connected '{setup.connection}' to the sandbox: {setup.message}.")

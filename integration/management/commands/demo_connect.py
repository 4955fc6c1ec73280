import time

import requests
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integration.management.base import TranslatedCommand
from integration.services.demo import (
    demo_connection_setup,
    demo_grant_token,
    demo_webhooks_register,
)


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Connect the demo to the local e-conomic sandbox and set up its mappings (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait", type=float, default=20.0,
            help=gettext_lazy("Seconds to wait for the sandbox to answer."),
        )
        parser.add_argument(
            "--site-url",
            default="",
            help=gettext_lazy(
                "Where the sandbox reaches this site (e.g. http://127.0.0.1:8000): its webhooks "
                "are pointed here, so payments arrive within seconds."
            ),
        )

    def handle(self, *args, wait: float, site_url: str = "", **options):
        deadline = time.monotonic() + wait
        while True:
            setup = demo_connection_setup(grant_token=demo_grant_token())
            if setup.ready or time.monotonic() > deadline:
                break
            time.sleep(1.0)
        if not setup.ready:
            raise CommandError(
                _("The sandbox did not accept the demo connection: %(reason)s")
                % {"reason": setup.message}
            )
        self.stdout.write(
            _("Connected '%(connection)s' to the sandbox: %(message)s.")
            % {"connection": setup.connection, "message": setup.message}
        )
        if site_url:
            self._webhooks(setup.connection, site_url)

    def _webhooks(self, connection, site_url: str) -> None:
        try:
            count = demo_webhooks_register(connection=connection, site_url=site_url)
        except requests.RequestException as error:
            reason = type(error).__name__
            raise CommandError(
                _("The sandbox refused the webhooks: %(reason)s") % {"reason": reason}
            ) from None
        self.stdout.write(
            _("The sandbox calls %(url)s on %(count)d events (payments in seconds).")
            % {"url": site_url, "count": count}
        )

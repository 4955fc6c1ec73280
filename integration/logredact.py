"""Keep webhook secrets and grant tokens out of Django's request logs: the secret is part of the
URL e-conomic calls (classic webhooks take nothing else), the grant token comes back from
e-conomic's installation page as `?token=`, and Django logs the path of every 4xx answer
(django.request) and, under runserver, of every request (django.server)."""

from __future__ import annotations

import logging
import re

WEBHOOK_SECRET = re.compile(r"(/economic/webhooks/\d+/)[^/\s?\"]+")
GRANT_TOKEN = re.compile(r"([?&](?:grant_)?token=)[^&\s\"]+")


class RedactWebhookSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = GRANT_TOKEN.sub(r"\1[secret]", WEBHOOK_SECRET.sub(r"\1[secret]", message))
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def redact_webhook_secrets() -> None:
    """Attach the filter once to the loggers that write request paths."""
    for name in ("django.request", "django.server"):
        logger = logging.getLogger(name)
        if not any(isinstance(each, RedactWebhookSecrets) for each in logger.filters):
            logger.addFilter(RedactWebhookSecrets())

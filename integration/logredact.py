"""Keep webhook secrets and grant tokens out of every log: the secret is part of the URL
e-conomic calls (classic webhooks take nothing else), the grant token comes back from
e-conomic's installation page as `?token=`, and request paths are logged by Django
(django.request for every 4xx answer, django.server for every request under runserver) and by
gunicorn (its access log, and its error log when a request fails)."""

from __future__ import annotations

import logging
import re

from django.views.debug import SafeExceptionReporterFilter
from gunicorn.glogging import Logger

WEBHOOK_SECRET = re.compile(r"(/economic/webhooks/\d+/)[^/\s?\"]+")
GRANT_TOKEN = re.compile(r"([?&](?:grant_)?token=)[^&\s\"]+")


def redact(text: str) -> str:
    return GRANT_TOKEN.sub(r"\1[secret]", WEBHOOK_SECRET.sub(r"\1[secret]", text))


class RedactWebhookSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def _attach(logger: logging.Logger) -> None:
    if not any(isinstance(each, RedactWebhookSecrets) for each in logger.filters):
        logger.addFilter(RedactWebhookSecrets())


def redact_webhook_secrets() -> None:
    """Attach the filter once to Django's loggers that write request paths with handlers of
    their own (the root handler has it from LOGGING)."""
    for name in ("django.request", "django.server"):
        _attach(logging.getLogger(name))


class RedactingGunicornLogger(Logger):
    """gunicorn's logger (config/gunicorn.conf.py names it) with the filter on both of its
    logs: they write to their own handlers, past Django's LOGGING."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        _attach(self.error_log)
        _attach(self.access_log)


class SecretsHiddenReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the debug page, the admins' e-mail) hide what `sensitive_variables` and
    `sensitive_post_parameters` mark, with DEBUG on too: Django's own filter stands down under
    DEBUG, and a developer's debug page is where a pasted production token would show."""

    def is_active(self, request) -> bool:
        return True

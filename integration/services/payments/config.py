"""Payment settings, overridable with ECONOMIC_PAYMENTS = {...} in the settings."""

from django.conf import settings

DEFAULTS = {
    "cron": "0 9 * * *",  # daily at 09:00 in TIME_ZONE (Europe/Copenhagen)
    "lease_seconds": 3600,  # a running import older than this no longer holds the lock
    "webhooks_per_minute": 30,  # per connection; more are answered but queue nothing
}


def payments_setting(name: str, default=None):
    return {**DEFAULTS, **getattr(settings, "ECONOMIC_PAYMENTS", {})}.get(name, default)

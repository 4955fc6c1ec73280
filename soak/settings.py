"""Settings for the chaos soak's processes (the soak itself and its `qcluster` workers): the
product's settings with a short export lease and short backoffs. With production's two-minute
lease and backoffs up to a quarter of an hour, recovering a killed worker's claimed jobs and
retrying injected faults would take most of an hour; the protocol is the same, only the clocks
run faster. Everything else (database, broker, sandbox URL, timeouts, bucket) comes from the
environment the soak gives its workers."""

import os

# The soak's agreements live in the local sandbox.
os.environ.setdefault("ECONOMIC_SANDBOX", "true")

from config.settings import *  # noqa: E402,F403

ECONOMIC_EXPORT = {
    # Longer than the slowest step (a read timeout plus GET retries), so a live worker keeps
    # its claim; short enough that the sweeper finds a killed worker's claim within a minute.
    "lease_seconds": int(os.environ.get("SOAK_LEASE_SECONDS", "30")),
    "max_attempts": 8,
    "backoff_seconds": 0.5,
    "backoff_cap": 5,
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

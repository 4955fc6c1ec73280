"""The time the outbox and the daily budget go by: when a job is due, which UTC day's calls are
counted, when a closed day opens again. One place, so that a test can move it (past the next
UTC midnight) without sleeping, and all of these move with it."""

from __future__ import annotations

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()


def seconds() -> float:
    """Now, in seconds since the epoch."""
    return now().timestamp()

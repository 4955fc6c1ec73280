"""Errors from e-conomic, in three kinds a person or the job queue can act on.

- transient: try again later (429, 5xx, timeouts, resets). `ambiguous` says whether a write may
  have been applied although no answer came back: such a write is looked up, never resent blindly.
- permanent: e-conomic refused the document (validation); the message names line and field.
- configuration: the connection itself is wrong (401 tokens, 403 role or module): a person must
  fix the set-up before anything else can succeed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class EconomicError(Exception):
    kind = "permanent"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        body: Any = None,
        retry_after: float | None = None,
        ambiguous: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.body = body
        self.retry_after = retry_after
        self.ambiguous = ambiguous

    @property
    def permanent(self) -> bool:
        return self.kind != "transient"

    def __str__(self) -> str:
        return self.message


class TransientError(EconomicError):
    kind = "transient"


class HeldBack(TransientError):
    """Not sent, or refused before anything was applied, for want of budget: the rate limit,
    or the day's calls. It may go at `resume_at` (seconds since the epoch); a job held back
    gives up no attempt for it, and no worker waits for it."""

    def __init__(self, message: str, *, resume_at: float, **details):
        super().__init__(message, **details)
        self.resume_at = resume_at


class BucketEmpty(HeldBack):
    """The agreement's token bucket would make the caller wait longer than a worker should."""


class DailyCapReached(HeldBack):
    """e-conomic answered that the agreement's calls for the day are used up: nothing goes to it
    until the next UTC midnight."""


class BudgetReserved(HeldBack):
    """Most of the day's calls are spent: what is left is kept for exports and payments, and a
    read waits for the next UTC midnight."""


class PermanentError(EconomicError):
    kind = "permanent"


class NotFoundError(PermanentError):
    """404: the document is not there (a lookup by reference treats this as absence)."""


class ConfigurationError(EconomicError):
    kind = "configuration"


def _property_messages(errors: Any, trail: tuple[str, ...] = ()) -> list[str]:
    """Flatten e-conomic's nested `errors` into 'line 3, product: <message>' sentences.

    Documents key errors by property, nested arrays as {"items": [{"arrayIndex": i, ...}]};
    bulk input is a list of {"arrayIndex": i, ...}. Live bodies use errorMessage/propertyName,
    the documented shape message/property: both are read.
    """
    if isinstance(errors, list):
        return [message for item in errors for message in _item_messages(item, trail)]
    if not isinstance(errors, dict):
        return []
    messages: list[str] = []
    for key, value in errors.items():
        if key == "errors" and isinstance(value, list):
            messages.extend(_leaf_message(leaf, trail) for leaf in value)
        elif key == "items" and isinstance(value, list):
            messages.extend(m for item in value for m in _item_messages(item, trail))
        elif isinstance(value, (dict, list)):
            messages.extend(_property_messages(value, trail + (key,)))
    return messages


def _item_messages(item: Any, trail: tuple[str, ...]) -> list[str]:
    if isinstance(item, str):
        return [item]
    if not isinstance(item, dict):
        return []
    if "arrayIndex" in item:
        # The array is named by the last property on the trail ("lines" -> "line 3").
        owner = trail[-1] if trail else "items"
        label = f"{_singular(owner)} {item['arrayIndex'] + 1}"
        rest = {key: value for key, value in item.items() if key != "arrayIndex"}
        return _property_messages(rest, trail[:-1] + (label,))
    return [_leaf_message(item, trail)]


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


def _leaf_message(leaf: Any, trail: tuple[str, ...]) -> str:
    if not isinstance(leaf, dict):
        return str(leaf)
    text = leaf.get("errorMessage") or leaf.get("message") or _("invalid value")
    code = leaf.get("errorCode") or leaf.get("code")
    where = ", ".join(trail)
    sentence = f"{where}: {text}" if where else text
    return f"{sentence.rstrip('.')}. ({code})" if code else sentence


def describe(body: Any, status: int) -> str:
    """One readable sentence from an error body, never empty."""
    if not isinstance(body, dict):
        return _("e-conomic answered HTTP %(status)s without an explanation.") % {"status": status}
    headline = (
        body.get("message")
        or body.get("title")
        or _("e-conomic answered HTTP %(status)s.") % {"status": status}
    )
    details = _property_messages(body.get("errors")) if body.get("errors") else []
    if details:
        # "Validation failed. 2 errors found." -> "Validation failed: <what>; <what>."
        lead = headline.split(". ")[0].rstrip(".")
        return f"{lead}: " + "; ".join(detail.rstrip(".") for detail in details) + "."
    hint = body.get("developerHint")
    if hint and status in (401, 403):
        return f"{headline} {hint}"
    return headline

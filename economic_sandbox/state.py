"""Sandbox state: agreements, each with its own tables of documents and number counters.

Tables hold documents as e-conomic's JSON (dicts), keyed by the resource's number or id, so a
handler reads and writes them as it would answer them. Every request for an agreement runs under
that agreement's lock, so handlers need no locking of their own.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# How invoices round VAT (resources/invoice_math.py): per line, or once per rate per document.
LINE_ROUNDING = "line"
DOCUMENT_ROUNDING = "document"
VAT_ROUNDING_MODELS = (LINE_ROUNDING, DOCUMENT_ROUNDING)


@dataclass
class Agreement:
    number: int
    grant_token: str
    company_name: str
    base_currency: str = "DKK"
    read_only: bool = False  # the demo agreement: GET only
    revoked: bool = False  # the grant was revoked: every call answers 401
    modules: list[dict] = field(default_factory=list)  # as in GET /self
    app_role: str = "SuperUser"  # the role of the app this grant was given to (GET /app-roles)
    vat_rounding: str = LINE_ROUNDING  # one of VAT_ROUNDING_MODELS, set through the control API
    tables: dict[str, dict[Any, dict]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    # Classic webhooks configured for this agreement: [{"event": ..., "url": template}].
    webhooks: list[dict] = field(default_factory=list)
    # Where `webhooks.notify` hands events; set by the app, not part of the saved state.
    notifier: Callable[..., None] | None = field(default=None, repr=False, compare=False)

    def table(self, name: str) -> dict[Any, dict]:
        return self.tables.setdefault(name, {})

    def next_number(self, counter: str, *, start: int = 1) -> int:
        """The next free number of a numbering series (customers, drafts, booked invoices)."""
        number = max(self.counters.get(counter, start - 1) + 1, start)
        self.counters[counter] = number
        return number

    def reserve_number(self, counter: str, number: int) -> None:
        """Record that a number chosen by the client is taken, so the series skips past it."""
        self.counters[counter] = max(self.counters.get(counter, 0), number)

    def has_module(self, name: str) -> bool:
        return any(module.get("name") == name for module in self.modules)


class World:
    """Every agreement of one sandbox, found by grant token or by number, and the app secret
    tokens it accepts. Adding or replacing agreements happens under `lock`; requests then work
    on one agreement under that agreement's own lock."""

    def __init__(self) -> None:
        self.agreements: dict[int, Agreement] = {}
        self.app_tokens: set[str] = set()
        self.lock = threading.RLock()

    def add(self, agreement: Agreement) -> Agreement:
        with self.lock:
            self.agreements[agreement.number] = agreement
        return agreement

    def get(self, number: int) -> Agreement | None:
        return self.agreements.get(number)

    def by_grant(self, grant_token: str) -> Agreement | None:
        with self.lock:
            for agreement in self.agreements.values():
                if agreement.grant_token == grant_token:
                    return agreement
        return None

    def all(self) -> list[Agreement]:
        with self.lock:
            return sorted(self.agreements.values(), key=lambda agreement: agreement.number)

"""The request log: one entry per product-API request, read through the control API
(`GET /_sandbox/requests?since=<id>`) so tests and benchmarks can count calls.

Entries: id (increasing, never reused, not even after a reset), time, method, path, query,
route, status (0 when the connection was dropped; then appliedStatus is what the handler
answered), cost, idempotencyKey, fromCache, durationMs, agreement, fault ("" when none).
"""
from __future__ import annotations

import datetime
import itertools
import threading
from collections import deque

MAX_ENTRIES = 50_000


class RequestLog:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.entries: deque[dict] = deque(maxlen=max_entries)
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def add(self, **fields) -> dict:
        with self.lock:
            entry = {"id": next(self.ids),
                     "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
                     **fields}
            self.entries.append(entry)
        return entry

    def since(self, since_id: int = 0, *, agreement: int | None = None, method: str = "",
              path: str = "", limit: int = 10_000) -> list[dict]:
        """Entries after `since_id`, optionally only one agreement's, one method's or those whose
        path starts with `path`."""
        with self.lock:
            entries = list(self.entries)
        found = [entry for entry in entries if entry["id"] > since_id
                 and (agreement is None or entry.get("agreement") == agreement)
                 and (not method or entry["method"] == method.upper())
                 and entry["path"].startswith(path)]
        return found[:limit]

    def last_id(self) -> int:
        with self.lock:
            return self.entries[-1]["id"] if self.entries else 0

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

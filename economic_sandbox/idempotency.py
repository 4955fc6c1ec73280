"""`Idempotency-Key` on writes (REFERENCE §6.4): the same key within an hour replays the first
response (status, body, headers) with `X-ResultFromCache: true`.

The key is checked against the request it was first used with (ADDENDUM §6, seen in
production): the same key on another URL answers 400 `URLChanged`, with another body on the same
URL 400 `PayloadChanged`; neither is cached, and the first answer stays replayable.

Choices where e-conomic does not document the behaviour (README "Choices", REFERENCE §10.4):
* Scope: a key belongs to (app secret token, agreement); the same key on another agreement is a
  different key. The URL is the method and the path (the query string is not compared).
* Bodies are compared as JSON when both parse (key order and spacing do not count), otherwise
  byte for byte.
* Answers below 500 other than 429 are cached, errors included (a 400 stays a 400). 5xx, 429
  and dropped connections are not cached, so a retry executes again.
* A request that arrives while the first with its key is still running waits for it and then
  replays its answer; it never executes twice. If the first ends without a cacheable answer,
  the waiting one executes itself.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from economic_sandbox import errors
from economic_sandbox.http import Response

TTL_SECONDS = 3600.0
WAIT_SECONDS = 600.0  # a waiting duplicate gives up after this long (longer than any hang)
PURGE_ABOVE = 10_000  # entries; expired ones are dropped once the cache grows past this
Scope = tuple[str, int]


@dataclass(frozen=True)
class Fingerprint:
    """What a key is checked against: the URL (method and path) and a digest of the body."""

    url: str
    body: str

    @classmethod
    def of(cls, method: str, path: str, body: bytes) -> Fingerprint:
        return cls(f"{method} {path}", _body_digest(body))


def _body_digest(body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


@dataclass
class Entry:
    fingerprint: Fingerprint
    done: threading.Event = field(default_factory=threading.Event)
    response: Response | None = None
    expires: float = 0.0  # wall clock, so a saved entry survives a restart


def _reuse_error(code: str, message: str) -> errors.ApiError:
    hint = "Use a new Idempotency-Key for a new request; a key stays bound to its first one."
    return errors.ApiError(400, errors.error_body(400, message, hint, errorCode=code))


def check_reuse(first: Fingerprint, again: Fingerprint) -> None:
    """400 URLChanged or PayloadChanged when a key comes back with another request."""
    if first.url != again.url:
        raise _reuse_error("URLChanged", f"URLChanged: the Idempotency-Key was used with "
                                         f"{first.url}, not {again.url}.")
    if first.body != again.body:
        raise _reuse_error("PayloadChanged", "PayloadChanged: the request body differs from the "
                                             "first request sent with this Idempotency-Key.")


def cacheable(response: Response) -> bool:
    return response.status < 500 and response.status != 429


class IdempotencyStore:
    def __init__(self, ttl: float = TTL_SECONDS, clock=time.time):
        self.ttl = ttl
        self.clock = clock
        self.lock = threading.Lock()
        self.entries: dict[tuple, Entry] = {}

    def run(self, scope: Scope, key: str, fingerprint: Fingerprint,
            execute: Callable[[], Response]) -> Response:
        """`execute()` once per (scope, key) within the TTL; later calls with the same request
        get the replay, with another request a 400."""
        if not key:
            return execute()
        while True:
            entry, owner = self._claim((*scope, key), fingerprint)
            if owner:
                return self._execute((*scope, key), entry, execute)
            check_reuse(entry.fingerprint, fingerprint)
            if not entry.done.wait(WAIT_SECONDS):
                raise errors.ApiError(409, errors.error_body(
                    409, "A request with this Idempotency-Key is still in progress."))
            if entry.response is not None:
                return replay(entry.response)
            # the first ended without a cacheable answer: claim again and execute ourselves

    def _claim(self, full_key: tuple, fingerprint: Fingerprint) -> tuple[Entry, bool]:
        if len(self.entries) > PURGE_ABOVE:
            self.purge()  # keys live an hour; without this a long run would keep them all
        with self.lock:
            entry = self.entries.get(full_key)
            if entry is not None and (not entry.done.is_set() or entry.expires > self.clock()):
                return entry, False
            entry = Entry(fingerprint)
            self.entries[full_key] = entry
            return entry, True

    def _execute(self, full_key: tuple, entry: Entry, execute) -> Response:
        try:
            response = execute()
        except BaseException:
            self._release(full_key, entry)
            raise
        if cacheable(response):
            entry.response = frozen(response)
            entry.expires = self.clock() + self.ttl
            entry.done.set()
        else:
            self._release(full_key, entry)
        return response

    def _release(self, full_key: tuple, entry: Entry) -> None:
        with self.lock:
            if self.entries.get(full_key) is entry:
                del self.entries[full_key]
        entry.done.set()

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

    def purge(self) -> None:
        now = self.clock()
        with self.lock:
            expired = [key for key, entry in self.entries.items()
                       if entry.done.is_set() and entry.expires <= now]
            for full_key in expired:
                del self.entries[full_key]

    def saved(self) -> list[dict]:
        """Finished entries as JSON, for the state file."""
        self.purge()
        with self.lock:
            items = [(k, e) for k, e in self.entries.items() if e.done.is_set() and e.response]
        return [{"key": list(k), "url": e.fingerprint.url, "bodyDigest": e.fingerprint.body,
                 "expires": e.expires, "status": e.response.status,
                 "body": e.response.payload().decode("utf-8"), "headers": e.response.headers,
                 "contentType": e.response.content_type} for k, e in items]

    def load(self, saved: list[dict]) -> None:
        with self.lock:
            for item in saved:
                fingerprint = Fingerprint(item.get("url", ""), item.get("bodyDigest", ""))
                entry = Entry(fingerprint,
                              response=Response(item["status"], item["body"].encode("utf-8"),
                                                dict(item["headers"]), item["contentType"]),
                              expires=item["expires"])
                entry.done.set()
                self.entries[tuple(item["key"])] = entry


def frozen(response: Response) -> Response:
    """The answer as bytes, so later changes to the handler's dicts cannot alter the replay."""
    return Response(response.status, response.payload(), dict(response.headers),
                    response.content_type)


def replay(response: Response) -> Response:
    return Response(response.status, response.body,
                    {**response.headers, "X-ResultFromCache": "true"}, response.content_type)

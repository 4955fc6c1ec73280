"""A cost-based token bucket on our side of the wire, so that every worker together stays inside
one agreement's budget instead of learning it from a storm of 429s, and the agreement's calls of
the UTC day, counted in the same step.

e-conomic's bucket holds 10,000 tokens per 60 seconds per agreement, shared by every app on it,
and each answer says how much of it is used (`X-RateLimiting`, ADDENDUM "Rate-limit headers"):
the bucket is sized from those figures (settings), and the use an answer reports caps what the
next take may find, so another app's calls count too. Fair use is 50,000 calls per agreement per
day (REFERENCE §5): above a share of it only essential work (exports, payments) may spend, and
once e-conomic answers that the day is used up, the agreement is closed until midnight. Nothing
here sleeps long: a wait beyond `longest_wait` is handed back to the caller as `HeldBack`, so a
worker takes other work instead. The state lives where every worker process can reach it: Redis
(`RedisBackend`) or the database (`integration.bucket_store.DatabaseBackend`).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _

from integration.economic.errors import BucketEmpty, BudgetReserved, DailyCapReached

DAY = 86_400
NEVER = 1e18  # a call count no day reaches: no reserve
_RATE_LIMITING = re.compile(r"token-limit-(\d+)-per-(\d+)-seconds:\s*([\d.]+)\s*/\s*(\d+)")


def next_midnight(now: float) -> float:
    """The next UTC midnight after `now` (seconds since the epoch)."""
    return (math.floor(now / DAY) + 1) * DAY


def utc_day(now: float) -> int:
    return math.floor(now / DAY)


def tokens_left(header: str) -> float | None:
    """What the bucket still holds by an `X-RateLimiting` header
    (`token-limit-10000-per-60-seconds: 147/10000` -> 9853); None when it says nothing."""
    found = _RATE_LIMITING.search(header or "")
    if found is None:
        return None
    return max(float(found.group(4)) - float(found.group(3)), 0.0)


class RateLimiter(Protocol):
    def acquire(self, cost: float) -> float:
        """Take `cost` tokens, waiting a little if need be; return the seconds waited. Raises
        HeldBack when the call may not go now."""

    def observe(self, tokens_left: float) -> None:
        """e-conomic said how much its bucket still holds."""

    def refused(self, *, retry_after: float | None, day_closed_until: float | None) -> None:
        """e-conomic answered 429: for the bucket (Retry-After), or the day's cap."""


@dataclass(frozen=True)
class BucketSettings:
    capacity: float
    refill_per_second: float
    daily_limit: int = 50_000
    read_share: float = 0.9  # above this share of the day's calls, reads wait
    warn_share: float = 0.8  # at this share, the connection's error address is told
    longest_wait: float = 1.0  # seconds a job's worker waits for tokens before taking other work

    @property
    def window(self) -> float:
        """The seconds an empty bucket takes to fill: no 429 of the bucket asks for longer."""
        return self.capacity / self.refill_per_second

    def refill(self, tokens: float, elapsed: float) -> float:
        return min(self.capacity, tokens + max(elapsed, 0.0) * self.refill_per_second)

    def debt_wait(self, tokens: float) -> float:
        """The seconds until a bucket holding `tokens` (below zero: debt) is back at zero."""
        return max(-tokens, 0.0) / self.refill_per_second


@dataclass(frozen=True)
class Take:
    """One atomic step on the shared state: the take, the call counted, or a refusal."""

    wait: float  # seconds until the reservation is covered (0: at once)
    calls_today: int
    closed_until: float  # seconds since the epoch; 0 when the day is open
    granted: bool  # False: nothing taken, nothing counted (closed, or kept for essential work)
    now: float


class BucketBackend(Protocol):
    def take(
        self, cost: float, *, count: int = 1, ceiling: float = math.inf, reserve_from: float = NEVER
    ) -> Take:
        """Atomically refill (to at most `ceiling`), take `cost` tokens, going into debt when
        there are not enough, and count `count` calls for the day; refuse when the day is
        closed or `reserve_from` calls are already made."""

    def pause(self, seconds: float) -> None: ...

    def close(self, until: float) -> None: ...

    def peek(self) -> tuple[int, float]: ...


class TokenBucket:
    """Reservations: a take is one atomic step that books the caller's place in the queue, so
    a worker asks the shared state once per call however busy the bucket is (asking again
    after each sleep would cost a round trip per wait, and let a late comer jump the queue).
    Together the workers never draw more than capacity + refill x time: a reservation beyond
    the tokens present is debt that every later taker waits out too. A reservation that would
    wait beyond `longest_wait` is handed back and raised as BucketEmpty (for work that can wait
    without its worker: a job; a person's request waits its turn)."""

    def __init__(
        self, backend: BucketBackend, *, essential: bool = True, longest_wait: float = math.inf,
        sleep=time.sleep, on_take: Callable[[Take], None] | None = None,
    ):  # fmt: skip
        self.backend = backend
        self.settings: BucketSettings = backend.settings
        self.essential = essential
        self.longest_wait = longest_wait
        self.sleep = sleep
        self.on_take = on_take
        self._observed: tuple[float, float] | None = None  # (tokens left, time.monotonic())
        self.calls_today = 0  # as the last take counted them

    def _ceiling(self) -> float:
        """What the bucket may hold at most by e-conomic's last word, refilled since."""
        if self._observed is None:
            return math.inf
        left, at = self._observed
        return left + (time.monotonic() - at) * self.settings.refill_per_second

    def acquire(self, cost: float) -> float:
        reserve = NEVER if self.essential else self.settings.daily_limit * self.settings.read_share
        take = self.backend.take(cost, ceiling=self._ceiling(), reserve_from=reserve)
        if take.closed_until > take.now:
            raise DailyCapReached(
                _("e-conomic's daily limit of calls for this agreement is used up: paused until "
                  "%(time)s UTC.") % {"time": _clock(take.closed_until)},
                resume_at=take.closed_until,
            )  # fmt: skip
        if not take.granted:
            raise BudgetReserved(
                _("%(calls)s of the agreement's %(limit)s calls for today are made: reads wait "
                  "until 00:00 UTC, so that exports and payments go first.")
                % {"calls": f"{take.calls_today:,}", "limit": f"{self.settings.daily_limit:,}"},
                resume_at=next_midnight(take.now),
            )  # fmt: skip
        self.calls_today = take.calls_today
        if self.on_take is not None:
            self.on_take(take)
        if take.wait > self.longest_wait:
            self.backend.take(-cost, count=-1)  # handed back: this call is not made now
            raise BucketEmpty(
                _("e-conomic's rate limit for this agreement is spent for now: %(wait)s s to "
                  "wait.") % {"wait": f"{take.wait:.1f}"}, resume_at=take.now + take.wait,
            )  # fmt: skip
        if take.wait > 0:
            self.sleep(take.wait)
        return take.wait

    def observe(self, tokens_left: float) -> None:
        self._observed = (tokens_left, time.monotonic())

    def refused(self, *, retry_after: float | None, day_closed_until: float | None) -> None:
        """The day's cap closes the agreement until midnight; so does any 429 once our own
        count has reached the day's limit, as e-conomic's answer to the cap is unobserved
        (ADDENDUM). Otherwise the bucket's 429 pauses every worker for its Retry-After."""
        if day_closed_until is None and self.calls_today >= self.settings.daily_limit:
            day_closed_until = next_midnight(time.time())
        if day_closed_until is not None:
            self.close(day_closed_until)
        else:
            self.pause(retry_after or 1.0)

    def pause(self, seconds: float) -> None:
        # A bucket's 429 never asks for more than the bucket takes to fill.
        self.backend.pause(min(seconds, self.settings.window))

    def close(self, until: float) -> None:
        self.backend.close(until)


def _clock(moment: float) -> str:
    return time.strftime("%H:%M", time.gmtime(moment))


# KEYS[1] bucket key; ARGV: capacity, refill/s, cost, now (s), floor (tokens held at or below
# it: a pause), calls counted, ceiling, reserve_from, close until (0: no change).
# Returns {tokens, calls today, closed until, refused (1/0)} as strings. Redis runs the script
# atomically, so concurrent workers never both take the last tokens.
_REDIS_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local floor = tonumber(ARGV[5])
local count = tonumber(ARGV[6])
local ceiling = tonumber(ARGV[7])
local reserve = tonumber(ARGV[8])
local close = tonumber(ARGV[9])
local today = math.floor(now / 86400)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated', 'day', 'calls', 'closed')
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
local calls = 0
if tonumber(state[3]) == today then calls = tonumber(state[4]) or 0 end
local closed = math.max(tonumber(state[5]) or 0, close)
local refused = 0
if closed > now or calls >= reserve then
  refused = 1
else
  tokens = math.min(capacity, ceiling, tokens + math.max(now - updated, 0) * rate) - cost
  tokens = math.min(tokens, floor)
  calls = calls + count
  updated = math.max(now, updated)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(updated),
           'day', tostring(today), 'calls', tostring(calls), 'closed', tostring(closed))
redis.call('EXPIRE', KEYS[1], 2 * 86400)
return {tostring(tokens), tostring(calls), tostring(closed), tostring(refused)}
"""


class RedisBackend:
    def __init__(self, redis_client, key: str, settings: BucketSettings):
        self.key = key
        self.settings = settings
        self.script = redis_client.register_script(_REDIS_SCRIPT)
        self.clock = redis_client

    def _run(self, cost=0.0, *, floor=math.inf, count=0, ceiling=math.inf, reserve=NEVER,
             close=0.0) -> Take:  # fmt: skip
        seconds, microseconds = self.clock.time()  # the server's clock, shared by every worker
        now = seconds + microseconds / 1_000_000
        args = [self.settings.capacity, self.settings.refill_per_second, cost, now,
                _finite(floor), count, _finite(ceiling), reserve, close]  # fmt: skip
        tokens, calls, closed, refused = self.script(keys=[self.key], args=args)
        return Take(wait=self.settings.debt_wait(float(tokens)), calls_today=int(float(calls)),
                    closed_until=float(closed), granted=refused in (b"0", "0"), now=now)

    def take(self, cost, *, count=1, ceiling=math.inf, reserve_from=NEVER) -> Take:
        return self._run(cost, count=count, ceiling=ceiling, reserve=reserve_from)

    def pause(self, seconds: float) -> None:
        self._run(floor=-seconds * self.settings.refill_per_second)

    def close(self, until: float) -> None:
        self._run(close=until)

    def peek(self) -> tuple[int, float]:
        """The calls of today and the time the day is closed until (0: open); takes nothing."""
        seconds, _ = self.clock.time()
        day, calls, closed = self.clock.hmget(self.key, "day", "calls", "closed")
        today = day is not None and int(float(day)) == utc_day(seconds)
        return (int(float(calls)) if today and calls else 0), float(closed or 0)


def _finite(value: float) -> float:
    return min(value, NEVER)


@dataclass(frozen=True)
class EndpointCosts:
    """What a call costs against the bucket: by method, with overrides for heavy endpoints
    matched by path prefix or suffix (bulk vouchers, PDFs)."""

    read: float = 1.0
    write: float = 2.0
    overrides: tuple[tuple[str, str, float], ...] = ()  # (method, path fragment, cost)

    def cost(self, method: str, path: str) -> float:
        for override_method, fragment, cost in self.overrides:
            if override_method == method and fragment in path:
                return cost
        return self.read if method == "GET" else self.write

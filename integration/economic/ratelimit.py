"""A cost-based token bucket on our side of the wire, so that every worker together stays inside
one agreement's budget instead of learning it from a storm of 429s.

e-conomic limits the *cost* of requests per agreement (each endpoint costs differently); the
parameters are not published, so capacity, refill and costs are settings. The bucket's state
lives where every worker process can reach it: Redis (`RedisTokenBucket`) or the database
(`integration.bucket_store.DatabaseBackend`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol


class RateLimiter(Protocol):
    def acquire(self, cost: float) -> float:
        """Block until `cost` tokens are taken; return the seconds waited."""

    def pause(self, seconds: float) -> None:
        """Empty the bucket for `seconds` (the server said Retry-After): every worker waits."""


@dataclass(frozen=True)
class BucketSettings:
    capacity: float
    refill_per_second: float

    def refill(self, tokens: float, elapsed: float) -> float:
        return min(self.capacity, tokens + max(elapsed, 0.0) * self.refill_per_second)

    def debt_wait(self, tokens: float) -> float:
        """The seconds until a bucket holding `tokens` (below zero: debt) is back at zero."""
        return max(-tokens, 0.0) / self.refill_per_second


class BucketBackend(Protocol):
    def take(self, cost: float) -> float:
        """Atomically take `cost` tokens, going into debt when there are not enough, and return
        the seconds until the debt is repaid (0 when there was no debt): the caller's turn."""

    def pause(self, seconds: float) -> None: ...


class TokenBucket:
    """Reservations: a take is one atomic step that books the caller's place in the queue, so
    a worker asks the shared state once per call however busy the bucket is (asking again
    after each sleep would cost a round trip per wait, and let a late comer jump the queue).
    Together the workers never draw more than capacity + refill x time: a reservation beyond
    the tokens present is debt that every later taker waits out too."""

    def __init__(self, backend: BucketBackend, *, sleep=time.sleep):
        self.backend = backend
        self.sleep = sleep

    def acquire(self, cost: float) -> float:
        wait = self.backend.take(cost)
        if wait > 0:
            self.sleep(wait)
        return wait

    def pause(self, seconds: float) -> None:
        self.backend.pause(seconds)


# KEYS[1] bucket key; ARGV: capacity, refill/s, cost, now (s), pause seconds (0 for a take).
# Returns the seconds until the caller's reservation is covered, as a string (0: no debt). Redis
# runs the script atomically, so concurrent workers never both take the last tokens.
_REDIS_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local pause = tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(now - updated, 0) * rate)
if pause > 0 then
  tokens = math.min(tokens, -pause * rate)
else
  tokens = tokens - cost
end
local wait = math.max(-tokens, 0) / rate
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(math.max(now, updated)))
redis.call('EXPIRE', KEYS[1], 86400)
return tostring(wait)
"""


class RedisBackend:
    def __init__(self, redis_client, key: str, settings: BucketSettings):
        self.key = key
        self.settings = settings
        self.script = redis_client.register_script(_REDIS_SCRIPT)
        self.clock = redis_client

    def _run(self, cost: float, pause: float) -> float:
        seconds, microseconds = self.clock.time()  # the server's clock, shared by every worker
        now = seconds + microseconds / 1_000_000
        args = [self.settings.capacity, self.settings.refill_per_second, cost, now, pause]
        return float(self.script(keys=[self.key], args=args))

    def take(self, cost: float) -> float:
        return self._run(cost, 0)

    def pause(self, seconds: float) -> None:
        self._run(0, seconds)


def RedisTokenBucket(redis_client, key: str, settings: BucketSettings) -> TokenBucket:  # noqa: N802
    return TokenBucket(RedisBackend(redis_client, key, settings))


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

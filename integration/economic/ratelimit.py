"""A cost-based token bucket on our side of the wire, so that every worker together stays inside
one agreement's budget instead of learning it from a storm of 429s.

e-conomic limits the *cost* of requests per agreement (each endpoint costs differently); the
parameters are not published, so capacity, refill and costs are settings. The bucket's state
lives where every worker process can reach it: Redis (`RedisTokenBucket`) or the database
(`integration.ratelimit.DatabaseTokenBucket`); `LocalTokenBucket` serves a single process.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
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

    def wait_for(self, tokens: float, cost: float) -> float:
        return max(cost - tokens, 0.0) / self.refill_per_second


class BucketBackend(Protocol):
    def take(self, cost: float) -> float:
        """Atomically take `cost` tokens if there are enough and return 0, or return the seconds
        until there will be."""

    def pause(self, seconds: float) -> None: ...


class TokenBucket:
    """The waiting loop shared by every backend."""

    def __init__(self, backend: BucketBackend, *, sleep=time.sleep, max_single_wait: float = 5.0):
        self.backend = backend
        self.sleep = sleep
        self.max_single_wait = max_single_wait

    def acquire(self, cost: float) -> float:
        waited = 0.0
        while (wait := self.backend.take(cost)) > 0:
            # Re-check after a bounded sleep: other workers may have drawn from the bucket.
            step = min(wait, self.max_single_wait)
            self.sleep(step)
            waited += step
        return waited

    def pause(self, seconds: float) -> None:
        self.backend.pause(seconds)


@dataclass
class LocalBackend:
    settings: BucketSettings
    tokens: float = -1.0
    updated: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.settings.capacity

    def take(self, cost: float) -> float:
        with self.lock:
            now = time.monotonic()
            self.tokens = self.settings.refill(self.tokens, now - self.updated)
            self.updated = now
            if self.tokens >= cost:
                self.tokens -= cost
                return 0.0
            return self.settings.wait_for(self.tokens, cost)

    def pause(self, seconds: float) -> None:
        with self.lock:
            # Negative tokens: the refill needs `seconds` to bring the bucket back to zero.
            self.tokens = min(self.tokens, -seconds * self.settings.refill_per_second)
            self.updated = time.monotonic()


def LocalTokenBucket(settings: BucketSettings) -> TokenBucket:  # noqa: N802 - a factory
    return TokenBucket(LocalBackend(settings))


# KEYS[1] bucket key; ARGV: capacity, refill/s, cost, now (s), pause seconds (0 for a take).
# Returns the seconds to wait as a string (0 when the tokens were taken). Redis runs the script
# atomically, so concurrent workers never both take the last tokens.
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
local wait = 0
if pause > 0 then
  tokens = math.min(tokens, -pause * rate)
elseif tokens >= cost then
  tokens = tokens - cost
else
  wait = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
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

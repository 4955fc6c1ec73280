"""The rate limit: a cost-based token bucket per agreement and the 50,000-calls-a-day fair-use cap.

e-conomic's bucket, as its answers report it (ADDENDUM, "Rate-limit headers"): 10,000 tokens per
60 seconds per agreement, shared by every app on it; every answer that reached the agreement
says what the call cost (`X-CallCost`) and how much of the bucket is used
(`X-RateLimiting: token-limit-10000-per-60-seconds: 147/10000`). Per-endpoint costs are not
published. The sandbox's defaults, all settable by CLI flags and the control API: capacity
10,000, refill 10,000 per 60 seconds, cost 1 per GET, 2 per other method, 5 for the heavy routes
in `HEAVY_ROUTES` (bulk voucher posts, PDFs, file uploads), else a route's own `cost=`.
Route names in `costs` match whatever the path parameters are called
(`POST /journals/{}/vouchers` equals `POST /journals/{journalNumber}/vouchers`).
An empty bucket answers 429 with `Retry-After` in whole seconds (at least 1). Beyond the daily
cap (per agreement, per UTC day, counting the calls that were let through) the answer is 429
too, `Retry-After` being the seconds to the next UTC midnight.
"""
from __future__ import annotations

import datetime
import math
import re
import threading
import time
from dataclasses import asdict, dataclass, field, fields

from economic_sandbox import errors

DEFAULT_CAPACITY = 10_000.0
DEFAULT_REFILL_PER_SECOND = 10_000.0 / 60
DEFAULT_GET_COST = 1.0
DEFAULT_WRITE_COST = 2.0
DAILY_FAIR_USE_CAP = 50_000
HEAVY_COST = 5.0
HEAVY_ROUTES = (
    "POST /journals/{}/vouchers",
    "GET /invoices/drafts/{}/pdf",
    "GET /invoices/booked/{}/pdf",
    "POST /invoices/drafts/{}/attachment/file",
    "POST /journals/{}/vouchers/{}/attachment/file",
    "PATCH /journals/{}/vouchers/{}/attachment/file",
)
_PARAMETER = re.compile(r"\{[^}]*\}")


def route_key(route_name: str) -> str:
    """A route name with its parameter names left out: `GET /customers/{}`."""
    return _PARAMETER.sub("{}", route_name)


def default_costs() -> dict[str, float]:
    return dict.fromkeys(HEAVY_ROUTES, HEAVY_COST)


@dataclass
class RateLimitConfig:
    enabled: bool = True
    capacity: float = DEFAULT_CAPACITY
    refill_per_second: float = DEFAULT_REFILL_PER_SECOND
    get_cost: float = DEFAULT_GET_COST
    write_cost: float = DEFAULT_WRITE_COST
    costs: dict[str, float] = field(default_factory=default_costs)  # route -> cost, first
    daily_cap: int = DAILY_FAIR_USE_CAP

    def updated(self, changes: dict) -> RateLimitConfig:
        """A copy with the known keys of `changes` applied; ValueError for unknown keys."""
        names = {item.name for item in fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ValueError(f"Unknown rate limit settings: {', '.join(unknown)}.")
        return RateLimitConfig(**{**asdict(self), **changes})


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Charges each product-API call its cost; thread-safe."""

    def __init__(self, config: RateLimitConfig | None = None, clock=time.monotonic):
        self.config = config or RateLimitConfig()
        self.clock = clock
        self.lock = threading.Lock()
        self.buckets: dict[int, _Bucket] = {}
        self.daily: dict[tuple[int, str], int] = {}

    def cost(self, method: str, route_name: str, route_cost: float | None) -> float:
        costs = {route_key(name): cost for name, cost in self.config.costs.items()}
        if route_key(route_name) in costs:
            return float(costs[route_key(route_name)])
        if route_cost is not None:
            return float(route_cost)
        return self.config.get_cost if method in ("GET", "HEAD") else self.config.write_cost

    def charge(self, agreement_number: int, cost: float) -> None:
        """Take `cost` tokens or raise the 429 ApiError; count the call for the day."""
        with self.lock:
            day = (agreement_number, today())
            if self.daily.get(day, 0) >= self.config.daily_cap:
                raise _over_daily_cap()
            if self.config.enabled:
                self._take(agreement_number, cost)
            self.daily[day] = self.daily.get(day, 0) + 1

    def _take(self, agreement_number: int, cost: float) -> None:
        config, now = self.config, self.clock()
        bucket = self.buckets.setdefault(agreement_number, _Bucket(config.capacity, now))
        bucket.tokens = min(config.capacity,
                            bucket.tokens + (now - bucket.updated) * config.refill_per_second)
        bucket.updated = now
        needed = min(cost, config.capacity)  # a call dearer than the bucket waits for a full one
        if bucket.tokens >= needed:
            bucket.tokens -= needed
            return
        refill = config.refill_per_second
        wait = (needed - bucket.tokens) / refill if refill else 60.0
        raise errors.too_many_requests(max(1, math.ceil(wait)))

    def spend(self, agreement_number: int, tokens: float) -> None:
        """Control API: another app on the agreement spent `tokens` (the bucket is shared)."""
        with self.lock:
            config, now = self.config, self.clock()
            bucket = self.buckets.setdefault(agreement_number, _Bucket(config.capacity, now))
            bucket.tokens = max(self._refilled(bucket, now) - tokens, 0.0)
            bucket.updated = now

    def _refilled(self, bucket: _Bucket, now: float) -> float:
        refilled = bucket.tokens + (now - bucket.updated) * self.config.refill_per_second
        return min(self.config.capacity, refilled)

    def headers(self, agreement_number: int, cost: float) -> dict[str, str]:
        """What e-conomic says on each answer: the call's cost and the bucket's use."""
        config = self.config
        refill = config.refill_per_second
        window = round(config.capacity / refill) if refill else 0
        used = round(config.capacity - self.tokens(agreement_number))
        limit = f"{config.capacity:.0f}"
        return {"X-CallCost": f"{cost:g}",
                "X-RateLimiting": f"token-limit-{limit}-per-{window}-seconds: {used}/{limit}"}

    def tokens(self, agreement_number: int) -> float:
        with self.lock:
            bucket = self.buckets.get(agreement_number)
            if bucket is None:
                return self.config.capacity
            return self._refilled(bucket, self.clock())

    def calls_today(self) -> dict[int, int]:
        current = today()
        with self.lock:
            return {number: count for (number, day), count in self.daily.items() if day == current}

    def set_calls_today(self, agreement_number: int, count: int) -> None:
        """Control API: pretend the agreement already made `count` calls today."""
        with self.lock:
            self.daily[(agreement_number, today())] = count

    def reset(self) -> None:
        """Full buckets and zero counters (the config stays)."""
        with self.lock:
            self.buckets.clear()
            self.daily.clear()


def today() -> str:
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def _over_daily_cap() -> errors.ApiError:
    now = datetime.datetime.now(datetime.UTC)
    midnight = datetime.datetime.combine(now.date() + datetime.timedelta(days=1),
                                         datetime.time(), tzinfo=datetime.UTC)
    error = errors.too_many_requests(max(1, math.ceil((midnight - now).total_seconds())))
    error.body["message"] = "Too many requests. The agreement has used its daily fair-use quota."
    error.body["developerHint"] = ("Fair use is 50.000 API calls per 24 hour period per agreement. "
                                   "Wait for the number of seconds in the Retry-After header.")
    return error

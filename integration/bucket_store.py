"""The shared token bucket's home: Redis when REDIS_URL is set, otherwise the database."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

from integration import clock
from integration.economic.ratelimit import (
    NEVER,
    BucketSettings,
    EndpointCosts,
    RedisBackend,
    Take,
    TokenBucket,
    utc_day,
)
from integration.models import RateLimitBucket


class DatabaseBackend:
    """Take tokens in one UPDATE ... RETURNING: the refill, the take, the day's call count and
    the answer in a single statement, atomic on SQLite (its write lock) and on PostgreSQL (the
    row lock, and the SET expressions evaluated again on the row a concurrent writer left), in
    autocommit, so a call costs the database one round trip (no transaction, no read before
    the write). Every SET expression reads the row as it was before the UPDATE, so `refused`
    is decided on the old count, as are the tokens and the count beside it."""

    def __init__(self, key: str, bucket_settings: BucketSettings, *, clock=time.time):
        self.key = key
        self.settings = bucket_settings
        self.clock = clock

    def _statement(self) -> str:
        sqlite = connection.vendor == "sqlite"
        least, greatest = ("MIN", "MAX") if sqlite else ("LEAST", "GREATEST")
        table = connection.ops.quote_name(RateLimitBucket._meta.db_table)
        today = "CASE WHEN day = %(today)s THEN calls ELSE 0 END"
        refused = f"(closed_until > %(now)s OR {today} >= %(reserve)s)"
        # `updated` never goes back: a worker whose clock lags must not refill the same
        # seconds twice.
        return (
            f"UPDATE {table} SET "
            f"tokens = CASE WHEN {refused} THEN tokens ELSE {least}({least}(%(capacity)s, "
            f"%(ceiling)s, tokens + {greatest}(%(now)s - updated, 0) * %(refill)s) - %(cost)s, "
            f"%(floor)s) END, "
            f"updated = CASE WHEN {refused} THEN updated ELSE {greatest}(updated, %(now)s) END, "
            f"calls = {today} + CASE WHEN {refused} THEN 0 ELSE %(count)s END, "
            f"day = %(today)s, refused = {refused}, version = version + 1 "
            f"WHERE {connection.ops.quote_name('key')} = %(key)s "
            "RETURNING tokens, calls, closed_until, refused"
        )

    def _apply(self, cost: float, *, count: int = 0, floor: float = NEVER,
               ceiling: float = NEVER, reserve: float = NEVER) -> Take:  # fmt: skip
        """Refill (to at most `ceiling`), take `cost`, count `count` calls, and hold the tokens
        at or below `floor` (a pause: debt that takes the pause's seconds to repay)."""
        now = self.clock()
        params = {
            "capacity": self.settings.capacity, "ceiling": min(ceiling, NEVER), "now": now,
            "refill": self.settings.refill_per_second, "cost": cost, "floor": min(floor, NEVER),
            "count": count, "today": utc_day(now), "reserve": reserve, "key": self.key,
        }  # fmt: skip
        sql = self._statement()
        while True:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
            if row is not None:
                tokens, calls, closed_until, refused = row
                return Take(wait=self.settings.debt_wait(tokens), calls_today=calls,
                            closed_until=closed_until, granted=not refused, now=now)  # fmt: skip
            self._create(now)

    def _create(self, now: float) -> None:
        # The first take of this agreement: make its bucket, full, then take from it.
        RateLimitBucket.objects.bulk_create(
            [RateLimitBucket(key=self.key, tokens=self.settings.capacity, updated=now,
                             day=utc_day(now))],
            ignore_conflicts=True,
        )  # fmt: skip

    def take(self, cost, *, count=1, ceiling=NEVER, reserve_from=NEVER) -> Take:
        return self._apply(cost, count=count, ceiling=ceiling, reserve=reserve_from)

    def pause(self, seconds: float) -> None:
        self._apply(0.0, floor=-seconds * self.settings.refill_per_second)

    def peek(self) -> tuple[int, float]:
        """The calls of today and the time the day is closed until (0: open); takes nothing."""
        row = RateLimitBucket.objects.filter(key=self.key).values("day", "calls", "closed_until")
        found = row.first()
        if found is None:
            return 0, 0.0
        today = found["day"] == utc_day(self.clock())
        return (found["calls"] if today else 0), found["closed_until"]

    def close(self, until: float) -> None:
        self._create(self.clock())
        RateLimitBucket.objects.filter(key=self.key, closed_until__lt=until).update(
            closed_until=until
        )


def bucket_settings() -> BucketSettings:
    config = settings.ECONOMIC_RATE_LIMIT
    optional = ("daily_limit", "read_share", "warn_share", "longest_wait")
    return BucketSettings(
        capacity=config["capacity"], refill_per_second=config["refill_per_second"],
        **{name: config[name] for name in optional if name in config},
    )  # fmt: skip


def endpoint_costs() -> EndpointCosts:
    config = settings.ECONOMIC_RATE_LIMIT
    return EndpointCosts(
        read=config["read_cost"],
        write=config["write_cost"],
        overrides=tuple(tuple(item) for item in config.get("overrides", ())),
    )


def bucket_backend(agreement_key: str):
    """Where one agreement's bucket and day count live, shared by every worker."""
    key = f"economic-bucket:{agreement_key}"
    if settings.REDIS_URL:
        import redis

        return RedisBackend(redis.Redis.from_url(settings.REDIS_URL), key, bucket_settings())
    return DatabaseBackend(key, bucket_settings(), clock=clock.seconds)


def shared_bucket(agreement_key: str, **options) -> TokenBucket:
    """The bucket every worker draws from for one agreement (options: see TokenBucket)."""
    return TokenBucket(bucket_backend(agreement_key), **options)

"""The shared token bucket's home: Redis when REDIS_URL is set, otherwise the database."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

from integration.economic.ratelimit import (
    BucketSettings,
    EndpointCosts,
    RedisTokenBucket,
    TokenBucket,
)
from integration.models import RateLimitBucket


class DatabaseBackend:
    """Take tokens in one UPDATE ... RETURNING: the refill, the take and the answer in a single
    statement, atomic on SQLite (its write lock) and on PostgreSQL (the row lock, and the SET
    expressions evaluated again on the row a concurrent writer left), in autocommit, so a call
    costs the database one round trip (no transaction, no read before the write)."""

    def __init__(self, key: str, bucket_settings: BucketSettings):
        self.key = key
        self.settings = bucket_settings

    def _apply(self, cost: float, floor: float) -> float:
        """Refill, take `cost`, and hold the tokens at or below `floor` (a pause: debt that
        takes the pause's seconds to repay); answer the tokens left."""
        now = time.time()
        least, greatest = ("MIN", "MAX") if connection.vendor == "sqlite" else ("LEAST", "GREATEST")
        table = connection.ops.quote_name(RateLimitBucket._meta.db_table)
        # `updated` never goes back: a worker whose clock lags must not refill the same
        # seconds twice.
        sql = (
            f"UPDATE {table} SET "
            f"tokens = {least}({least}(%s, tokens + {greatest}(%s - updated, 0) * %s) - %s, %s), "
            f"updated = {greatest}(updated, %s), version = version + 1 "
            f"WHERE {connection.ops.quote_name('key')} = %s RETURNING tokens"
        )
        refill = self.settings.refill_per_second
        params = [self.settings.capacity, now, refill, cost, floor, now, self.key]
        while True:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
            if row is not None:
                return row[0]
            # The first take of this agreement: make its bucket, full, then take from it.
            RateLimitBucket.objects.bulk_create(
                [RateLimitBucket(key=self.key, tokens=self.settings.capacity, updated=now)],
                ignore_conflicts=True,
            )

    def take(self, cost: float) -> float:
        return self.settings.debt_wait(self._apply(cost, self.settings.capacity))

    def pause(self, seconds: float) -> None:
        self._apply(0.0, -seconds * self.settings.refill_per_second)


def bucket_settings() -> BucketSettings:
    config = settings.ECONOMIC_RATE_LIMIT
    return BucketSettings(
        capacity=config["capacity"], refill_per_second=config["refill_per_second"]
    )


def endpoint_costs() -> EndpointCosts:
    config = settings.ECONOMIC_RATE_LIMIT
    return EndpointCosts(
        read=config["read_cost"],
        write=config["write_cost"],
        overrides=tuple(tuple(item) for item in config.get("overrides", ())),
    )


def shared_bucket(agreement_key: str) -> TokenBucket:
    """The bucket every worker draws from for one agreement."""
    key = f"economic-bucket:{agreement_key}"
    if settings.REDIS_URL:
        import redis

        return RedisTokenBucket(redis.Redis.from_url(settings.REDIS_URL), key, bucket_settings())
    return TokenBucket(DatabaseBackend(key, bucket_settings()))

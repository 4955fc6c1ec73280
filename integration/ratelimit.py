"""The shared token bucket's home: Redis when REDIS_URL is set, otherwise the database."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction

from integration.economic.ratelimit import (
    BucketSettings,
    EndpointCosts,
    RedisTokenBucket,
    TokenBucket,
)
from integration.models import RateLimitBucket


class DatabaseBackend:
    """Take tokens with a conditional UPDATE on a version column: correct on SQLite and on
    PostgreSQL alike (no reliance on select_for_update, which SQLite ignores)."""

    def __init__(self, key: str, bucket_settings: BucketSettings):
        self.key = key
        self.settings = bucket_settings

    def _apply(self, cost: float, pause: float) -> float:
        while True:
            now = time.time()
            with transaction.atomic():
                bucket, _ = RateLimitBucket.objects.get_or_create(
                    key=self.key, defaults={"tokens": self.settings.capacity, "updated": now}
                )
                tokens = self.settings.refill(bucket.tokens, now - bucket.updated)
                wait = 0.0
                if pause > 0:
                    tokens = min(tokens, -pause * self.settings.refill_per_second)
                elif tokens >= cost:
                    tokens -= cost
                else:
                    wait = self.settings.wait_for(tokens, cost)
                changed = RateLimitBucket.objects.filter(
                    pk=bucket.pk, version=bucket.version
                ).update(tokens=tokens, updated=now, version=bucket.version + 1)
            if changed:
                return wait
            # Another worker took tokens between our read and our write: read again.

    def take(self, cost: float) -> float:
        return self._apply(cost, 0.0)

    def pause(self, seconds: float) -> None:
        self._apply(0.0, seconds)


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

"""Several workers draw from one token bucket per agreement, so together they stay inside the
agreement's budget: no 429 from the sandbox even when their calls together exceed it."""
import multiprocessing
import time

import pytest
from django.db import connections

from integration.bucket_store import DatabaseBackend, endpoint_costs, shared_bucket
from integration.economic.client import EconomicClient
from integration.economic.errors import DailyCapReached, TransientError
from integration.economic.ratelimit import BucketSettings, TokenBucket
from integration.models import RateLimitBucket

SERVER = {"capacity": 10, "refill_per_second": 5}
CLIENT = {"capacity": 8.0, "refill_per_second": 4.5, "read_cost": 1.0, "write_cost": 2.0}
CALLS_EACH = 12


def _worker(base_url: str, app_token: str, grant_token: str) -> None:
    client = EconomicClient(rest_url=base_url, openapi_url=base_url, app_secret_token=app_token,
                            grant_token=grant_token, rate_limiter=shared_bucket("two-processes"),
                            costs=endpoint_costs())
    for _ in range(CALLS_EACH):
        client.self_get()


@pytest.mark.django_db(transaction=True)
def test_two_processes_sharing_one_bucket_never_draw_a_429(sandbox, settings):
    sandbox.set_rate_limit(**SERVER)
    settings.ECONOMIC_RATE_LIMIT = {**settings.ECONOMIC_RATE_LIMIT, **CLIENT}
    since = sandbox.last_request_id()
    connections.close_all()  # each process opens its own database connection
    context = multiprocessing.get_context("fork")
    started = time.monotonic()
    workers = [context.Process(target=_worker, args=(sandbox.base_url, sandbox.app_token,
                                                     sandbox.grant_token)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    elapsed = time.monotonic() - started
    assert [worker.exitcode for worker in workers] == [0, 0]
    statuses = [entry["status"] for entry in sandbox.request_log(since)]
    assert len(statuses) == 2 * CALLS_EACH
    assert statuses.count(429) == 0
    # Together they asked for more than the bucket holds, so the bucket made them wait.
    least = (2 * CALLS_EACH - CLIENT["capacity"]) / CLIENT["refill_per_second"]
    assert elapsed >= least * 0.9


@pytest.mark.django_db
def test_the_database_bucket_hands_out_no_more_than_it_holds():
    bucket = TokenBucket(DatabaseBackend("unit", BucketSettings(capacity=3, refill_per_second=0.001)))
    assert [bucket.backend.take(1).wait for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.backend.take(1).wait > 0
    assert RateLimitBucket.objects.get(key="unit").tokens < 1


@pytest.mark.django_db
def test_a_pause_makes_everyone_wait_that_long():
    backend = DatabaseBackend("pause", BucketSettings(capacity=10, refill_per_second=10))
    backend.pause(2.0)
    assert backend.take(1).wait == pytest.approx(2.1, abs=0.1)


@pytest.mark.django_db
def test_a_take_is_one_statement_even_when_the_bucket_is_empty(django_assert_num_queries):
    backend = DatabaseBackend("one-trip", BucketSettings(capacity=2, refill_per_second=1))
    backend.take(2)  # the first take makes the row
    with django_assert_num_queries(1):
        assert backend.take(1).wait == pytest.approx(1.0, abs=0.05)


@pytest.mark.django_db
def test_takers_in_debt_queue_behind_each_other_and_sleep_once():
    slept = []
    bucket = TokenBucket(
        DatabaseBackend("queue", BucketSettings(capacity=2, refill_per_second=2)),
        sleep=slept.append,
    )
    for _ in range(4):
        bucket.acquire(2)
    # The first take is covered; each later one waits for the ones booked before it.
    assert slept == [pytest.approx(1.0, abs=0.05), pytest.approx(2.0, abs=0.05),
                     pytest.approx(3.0, abs=0.05)]  # fmt: skip


def _client(sandbox, key: str) -> EconomicClient:
    return EconomicClient(rest_url=sandbox.base_url, openapi_url=sandbox.base_url,
                          app_secret_token=sandbox.app_token, grant_token=sandbox.grant_token,
                          rate_limiter=shared_bucket(key), costs=endpoint_costs())  # fmt: skip


@pytest.mark.django_db
def test_what_another_app_spent_of_the_agreements_bucket_counts_against_ours(sandbox):
    client = _client(sandbox, "shared-with-another-app")
    client.self_get()
    sandbox.spend_tokens(9_990)  # another app on the agreement, which e-conomic's answer reports
    client.self_get()
    client.self_get()
    # Ours would hold about 9,997 by its own count; e-conomic said about 10 were left, so 30
    # more are not there yet.
    assert client.rate_limiter.backend.take(30).wait > 0


@pytest.mark.django_db
def test_a_read_at_the_daily_cap_is_refused_at_once_and_the_next_is_not_sent(sandbox):
    client = _client(sandbox, "capped")
    sandbox.call_control("PUT", f"/counters/{sandbox.agreement_number}", {"callsToday": 50000})
    since = sandbox.last_request_id()
    started = time.monotonic()
    for _ in range(2):
        with pytest.raises(DailyCapReached, match="paused until 00:00 UTC"):
            client.self_get()
    assert time.monotonic() - started < 1  # urllib3 would have slept until midnight
    assert len(sandbox.request_log(since)) == 1


@pytest.mark.django_db
def test_a_429_once_our_count_has_reached_the_days_limit_closes_the_day(sandbox, settings):
    settings.ECONOMIC_RATE_LIMIT = {**settings.ECONOMIC_RATE_LIMIT, "daily_limit": 2}
    client = _client(sandbox, "our-count")
    client.self_get()
    client.self_get()
    sandbox.set_faults(error_429=1.0)  # Retry-After 1, as the bucket's: nothing says "daily"
    with pytest.raises(TransientError):
        client.request("POST", "/customers", json={})
    since = sandbox.last_request_id()
    with pytest.raises(DailyCapReached):
        client.self_get()
    assert sandbox.request_log(since) == []

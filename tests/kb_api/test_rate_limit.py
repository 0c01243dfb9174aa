"""The rate limit cannot be reset by flooding it with new clients, and counts an IPv6
client by its /64 network (the counters in Redis: tests/deploy/test_many_hosts.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from api_server import LiveServer

from kb_api import Settings
from kb_api.limits import TokenBuckets
from kb_api.limits_shared import check_eviction_policy
from kb_api.settings import RateLimit
from tests.client_networks import check_networks
from tests.redis_server import redis_server


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_flood_of_new_clients_does_not_reset_a_limited_one() -> None:
    clock = Clock()
    buckets = TokenBuckets(RateLimit(3, 60.0), max_clients=100, clock=clock)
    assert [buckets.take("limited") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("limited") == pytest.approx(20.0)
    assert buckets.take("regular") == 0.0
    for i in range(10_000):  # a hundred times the table, within one period
        clock.now += 0.001
        buckets.take(f"flood-{i}")
    assert buckets.take("limited") == pytest.approx(10.0)  # still limited, 10 s later
    assert buckets.take("regular") == 0.0  # a client already counted is still served
    assert buckets.take("newcomer") > 0.0  # a new one waits for room
    assert len(buckets) == 100


def test_new_clients_get_room_once_counted_ones_have_refilled() -> None:
    clock = Clock()
    buckets = TokenBuckets(RateLimit(3, 60.0), max_clients=10, clock=clock)
    for i in range(10):
        buckets.take(f"client-{i}")
    waited = buckets.take("newcomer")
    assert 0.0 < waited <= 60.0
    clock.now += 20.0  # a bucket that spent one token of three refills in 20 s
    assert buckets.take("newcomer") == 0.0
    assert len(buckets) == 1


def test_ipv6_clients_are_counted_by_their_64(
    serve: Callable[[Settings], LiveServer], repo_index: Path
) -> None:
    # The live server trusts X-Forwarded-For from 127.0.0.1, as behind a proxy.
    server = serve(Settings(index_dir=repo_index, rate_limit=RateLimit(3, 60.0)))
    check_networks(server.url)


@pytest.mark.parametrize(
    ("options", "warned"),
    [
        (("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"), True),
        (("--maxmemory", "64mb", "--maxmemory-policy", "volatile-ttl"), True),
        (("--maxmemory", "64mb", "--maxmemory-policy", "noeviction"), False),
        ((), False),  # no maxmemory: nothing is evicted
    ],
)
def test_a_redis_that_evicts_keys_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, options: tuple[str, ...], warned: bool
) -> None:
    # In a thread of its own: in a whole run, Playwright's session keeps an event loop
    # running in this one.
    with (
        redis_server(tmp_path, *options) as url,
        caplog.at_level(logging.WARNING),
        ThreadPoolExecutor(1) as pool,
    ):
        pool.submit(lambda: asyncio.run(check_eviction_policy(url))).result()
    messages = [r.getMessage() for r in caplog.records if r.name == "kb_api.limits_shared"]
    assert bool(messages) == warned, messages
    if warned:
        assert messages[0].startswith("the rate limit store evicts keys when full")

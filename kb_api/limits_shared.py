"""The rate limit counted in a shared store (Redis), across workers and replicas.

Set ``KB_RATE_LIMIT_STORAGE=redis://host:6379/0`` and every worker of every replica counts
a client's requests in the same place, with the `limits` library's sliding-window
counter; without it each worker process keeps its own token buckets
(:class:`kb_api.limits.RateLimiter`), which is the embedded default. Needs the ``redis``
extra (``pip install 'hosting-kb[redis]'``).

If the store does not answer, the request is counted by this process's own buckets
instead (and the failure logged, at most once a minute): a Redis outage must not turn
into an outage of search.

A flood of new client keys cannot evict a limited client's counters unless Redis evicts
keys under memory pressure: with ``maxmemory`` set and an evicting ``maxmemory-policy``
(``allkeys-lru``, ``volatile-ttl``, ...), the first request logs a warning. With
``noeviction`` a full Redis refuses new counters, and the requests are counted by this
process's buckets, which keep limited clients (:class:`kb_api.limits.TokenBuckets`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp

from kb_api.limits import RateLimiter
from kb_api.settings import RateLimit

__all__ = ["SharedRateLimiter"]

log = logging.getLogger(__name__)

NAMESPACE = "kb-api"
"""Prefix of the keys in the store (a client's key is a hash of its address)."""
_COMPLAIN_EVERY = 60.0


class SharedRateLimiter(RateLimiter):
    """:class:`RateLimiter` whose counters live in the store at ``storage_url``."""

    def __init__(
        self,
        app: ASGIApp,
        limit: RateLimit,
        *,
        storage_url: str,
        exempt: tuple[str, ...] = ("/api/health",),
    ) -> None:
        super().__init__(app, limit, exempt=exempt)
        from limits import RateLimitItemPerSecond
        from limits.aio.strategies import SlidingWindowCounterRateLimiter
        from limits.storage import storage_from_string

        self.storage_url = storage_url
        self.item = RateLimitItemPerSecond(limit.requests, max(1, round(limit.period)))
        # The async client, so that a slow store never blocks the event loop.
        # redis-py's client (`limits` defaults to coredis for async Redis).
        self.storage: Any = storage_from_string("async+" + storage_url, implementation="redispy")
        self.strategy = SlidingWindowCounterRateLimiter(self.storage)
        self._complained = 0.0
        self._policy_checked = False

    async def take(self, key: str) -> float:
        if not self._policy_checked:
            self._policy_checked = True
            await check_eviction_policy(self.storage_url)
        try:
            if await self.strategy.hit(self.item, NAMESPACE, key):
                return 0.0
            stats = await self.strategy.get_window_stats(self.item, NAMESPACE, key)
            return max(0.001, stats.reset_time - time.time())
        except Exception as e:  # any store failure: count here rather than fail requests
            now = time.monotonic()
            if now - self._complained > _COMPLAIN_EVERY:
                self._complained = now
                log.warning(
                    "rate limit store does not answer (%s: %s); counting per process",
                    type(e).__name__,
                    str(e)[:200],
                )
            return await super().take(key)


async def check_eviction_policy(storage_url: str) -> str | None:
    """Warn if the Redis at ``storage_url`` may evict keys (a limited client's counter
    among them) when it is full; return its ``maxmemory-policy`` (None if unknown)."""
    if not storage_url.startswith(("redis://", "rediss://", "redis+unix://")):
        return None  # sentinel and cluster URLs: the nodes are not asked here
    import redis.asyncio

    client = redis.asyncio.from_url(storage_url.replace("redis+unix://", "unix://", 1))
    try:
        config = await client.config_get("maxmemory*")
    except Exception as e:  # CONFIG is often disabled on managed Redis: nothing to say
        log.debug("could not read the rate limit store's eviction policy: %s", type(e).__name__)
        return None
    finally:
        await client.aclose()
    policy = str(config.get("maxmemory-policy", ""))
    if int(config.get("maxmemory", 0) or 0) > 0 and policy != "noeviction":
        log.warning(
            "the rate limit store evicts keys when full (maxmemory-policy %s): a flood of "
            "new clients could evict a limited client's counter; use noeviction",
            policy,
        )
    return policy

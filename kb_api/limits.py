"""Request limits: body size (413) and a per-client rate limit (429).

Both are plain ASGI middleware so they run before any request body is parsed. Their
refusals use the API's one error shape (:func:`kb_api.errors.error_body`).
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kb_api.errors import error_json
from kb_api.settings import RateLimit
from kb_text.addresses import client_network

__all__ = ["SWEEP_EVERY", "BodySizeLimit", "RateLimiter", "TokenBuckets", "client_key"]

log = logging.getLogger(__name__)

SWEEP_EVERY = 1.0
"""Seconds between two sweeps of a full table of rate-limit buckets."""


async def _send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = error_json(status, code, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"the request body is larger than {self.max_bytes} bytes"
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_large = int(value) > self.max_bytes
                except ValueError:
                    too_large = False
                if too_large:
                    await _send_error(send, 413, "body_too_large", message)
                    return
        # Bodies are small (the limit is a few kB): read them whole here, then replay, so a
        # chunked body that grows past the limit is refused before the app sees it.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            chunk = msg.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _send_error(send, 413, "body_too_large", message)
                return
            chunks.append(chunk)
            more = msg.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class TokenBuckets:
    """Token buckets keyed by client, at most ``max_clients`` of them.

    A bucket that has refilled completely holds nothing a new one would not, so it is
    forgotten; one that has not (its client spent tokens within the last period) is
    kept. When ``max_clients`` buckets are all in use and none has refilled, a client not
    yet counted is refused, as if limited, until one has: forgetting a bucket in use
    instead (the least recently seen, as an LRU would) let a flood of new addresses give a
    limited client a full bucket back. Refilled buckets are swept out at most once per
    :data:`SWEEP_EVERY` seconds, so a flood costs one pass over the table a second.
    """

    def __init__(
        self,
        limit: RateLimit,
        *,
        max_clients: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = float(limit.requests)
        self.rate = limit.requests / limit.period
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = -math.inf
        self._room_at = -math.inf

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str) -> float:
        """Spend one token of ``key``'s bucket: 0.0 if allowed, else seconds to wait."""
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_clients and not self._sweep(now):
                    # Full of clients seen within a period: a new one waits for room.
                    return max(self._room_at, self._next_sweep) - now
                tokens = self.capacity
            else:
                tokens = min(self.capacity, bucket[0] + (now - bucket[1]) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _sweep(self, now: float) -> bool:
        """Forget the buckets that have refilled (if a sweep is due); True if there is room."""
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_EVERY
            kept: dict[str, tuple[float, float]] = {}
            room_at = math.inf
            for key, (tokens, last) in self._buckets.items():
                full_at = last + (self.capacity - tokens) / self.rate
                if full_at > now:
                    kept[key] = (tokens, last)
                    room_at = min(room_at, full_at)
            self._buckets = kept
            self._room_at = room_at
            if len(kept) >= self.max_clients:
                log.warning("rate limit: %d clients within one period; new clients wait", len(kept))
        return len(self._buckets) < self.max_clients


def client_key(scope: Scope) -> str:
    """The rate-limit key of a request's client: a hash of its address, or of its /64
    network for IPv6 (:func:`kb_text.addresses.client_network`)."""
    client = scope.get("client") or ("unknown", 0)
    network = client_network(str(client[0]))
    return hashlib.blake2b(network.encode(), digest_size=12).hexdigest()


class RateLimiter:
    """Answer 429 when one client spends its budget; ``/api/health`` is never limited.

    Clients are told apart by their address as the server sees it (run uvicorn with
    ``--proxy-headers`` behind a load balancer), an IPv6 client by its /64 network, kept
    only as a hash.
    """

    def __init__(
        self, app: ASGIApp, limit: RateLimit, *, exempt: tuple[str, ...] = ("/api/health",)
    ) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt
        self.buckets = TokenBuckets(limit)

    async def take(self, key: str) -> float:
        """Spend one request of ``key``: 0.0, or seconds to wait (a shared store overrides
        this: :mod:`kb_api.limits_shared`)."""
        return self.buckets.take(key)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limit.enabled or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        key = client_key(scope)
        wait = await self.take(key)
        if wait > 0:
            log.info("rate limit: client %s over %s", key[:8], self.limit)
            retry = str(max(1, math.ceil(wait)))
            await _send_error(
                send,
                429,
                "rate_limited",
                f"too many requests: the limit is {self.limit} per client; retry in {retry} s",
                [(b"retry-after", retry.encode())],
            )
            return
        await self.app(scope, receive, send)

"""Request limits: body size (413) and a per-client rate limit (429).

Both are plain ASGI middleware so they run before any request body is parsed. Their
refusals use the API's one error shape (:func:`kb_api.errors.error_body`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kb_api.errors import error_body
from kb_api.settings import RateLimit

__all__ = ["BodySizeLimit", "RateLimiter", "TokenBuckets"]

log = logging.getLogger(__name__)


async def _send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = json.dumps(error_body(status, code, message)).encode()
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
    """Token buckets keyed by client, bounded in memory (least recently seen evicted)."""

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
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one token of ``key``'s bucket: 0.0 if allowed, else seconds to wait."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait


class RateLimiter:
    """Answer 429 when one client spends its budget; ``/api/health`` is never limited.

    Clients are told apart by their address as the server sees it (run uvicorn with
    ``--proxy-headers`` behind a load balancer), kept only as a hash.
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
        client = scope.get("client") or ("unknown", 0)
        key = hashlib.blake2b(str(client[0]).encode(), digest_size=12).hexdigest()
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

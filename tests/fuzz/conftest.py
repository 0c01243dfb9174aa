"""Fixtures for the fuzz tests: the real knowledge base (``built_kb``), its index opened
for queries, and the real ASGI app over it through httpx's ``ASGITransport``, which
re-raises any exception that escapes the app instead of hiding it in a 500."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import search
from kb_api import Settings, create_app
from kb_api.settings import RateLimit
from search.deflect.suggest import warm_up


class AsgiClient:
    """A synchronous face on ``httpx.AsyncClient(transport=ASGITransport(app))``, for
    Hypothesis tests. Requests run on an event loop of their own, in a thread: the
    test's thread may already run one (Playwright's sync API does, in browser tests)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=("127.0.0.1", 4711))
            async with httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1", timeout=30
            ) as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run_coroutine_threadsafe(send(), self._loop).result()

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@pytest.fixture(scope="session", autouse=True)
def _warm_deflection() -> None:
    """Fit the ticket model and load the secret detector before any test, as ``kb serve``
    does at startup (in the background: the ASGI transport here runs no lifespan): these
    tests time what hostile text costs, not the one-off start-up of about 2.5 s."""
    warm_up()


@pytest.fixture(scope="session")
def real_kb(built_kb: Path) -> search.KnowledgeBase:
    """The index ``kb build`` made of the repository's articles."""
    return search.open_index(built_kb / ".kb" / "index")


@pytest.fixture(scope="session")
def api(built_kb: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsgiClient]:
    """The API over the real index, with its own SQLite database and no rate limit."""
    database = tmp_path_factory.mktemp("fuzz-db") / "feedback.sqlite3"
    settings = Settings(
        index_dir=built_kb / ".kb" / "index",
        database_url=f"sqlite:///{database}",
        rate_limit=RateLimit(0, 60.0),
    )
    client = AsgiClient(create_app(settings))
    yield client
    client.close()

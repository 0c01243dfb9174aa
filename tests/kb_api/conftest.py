"""Fixtures for the API tests: the real ASGI app served by uvicorn on a free local port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from api_server import WIDGET_ORIGIN, LiveServer

from kb_api import Settings, create_app

REPO = Path(__file__).resolve().parents[2]
HEAD_SECONDS = 2.0
"""The head and body deadlines of the `api` fixture's server."""


@pytest.fixture(scope="session")
def repo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the repository's articles, built the way `kb build` does."""
    import search
    from kb_builder.core.articles import load_articles, to_documents

    extra = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8")).get("extra", {})
    index_dir = tmp_path_factory.mktemp("api-index") / "index"
    search.build_index(to_documents(load_articles(REPO / "docs"), extra), index_dir)
    return index_dir


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Settings], LiveServer]]:
    """Start a live server for some settings, with the connection guards of `kb api`; all
    are stopped at the end of the session."""
    from kb_api.connections import connection_options

    servers: list[LiveServer] = []

    def start(settings: Settings) -> LiveServer:
        server = LiveServer(create_app(settings), **connection_options(settings)).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def api(serve: Callable[[Settings], LiveServer], repo_index: Path) -> LiveServer:
    """The API over the repository's index, with a generous rate limit and short head and
    body deadlines (so that the tests of slow requests are quick)."""
    from kb_api.settings import RateLimit

    return serve(
        Settings(
            index_dir=repo_index,
            cors_origins=(WIDGET_ORIGIN,),
            rate_limit=RateLimit(10_000, 60.0),
            header_timeout=HEAD_SECONDS,
            body_timeout=HEAD_SECONDS,
        )
    )


@pytest.fixture
def client(api: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=10) as c:
        yield c

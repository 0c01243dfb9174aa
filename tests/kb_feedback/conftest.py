"""Fixtures for the feedback tests: databases (SQLite files, a real PostgreSQL server),
a search index of the repository's articles and the real API on a local port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.live_server import LiveServer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'feedback.sqlite3'}"


# -- the index and the live API ----------------------------------------------------------------


@pytest.fixture(scope="session")
def articles_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A search index of the repository's articles, built the way `kb build` does."""
    import search
    from kb_builder.core.articles import load_articles, to_documents

    extra = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8")).get("extra", {})
    index_dir = tmp_path_factory.mktemp("feedback-index") / "index"
    search.build_index(to_documents(load_articles(REPO / "docs"), extra), index_dir)
    return index_dir


class LiveApi(LiveServer):
    """The real ASGI app under uvicorn, lifespan on: migrations run at start, as in
    production."""

    def __init__(self, app: Any) -> None:
        super().__init__(app, lifespan="on")


@pytest.fixture
def live_api(articles_index: Path) -> Iterator[Callable[..., LiveApi]]:
    """Start the API with some settings (index: the repository's articles)."""
    from kb_api import Settings, create_app
    from kb_api.settings import RateLimit

    started: list[LiveApi] = []

    def start(**overrides: Any) -> LiveApi:
        options: dict[str, Any] = {"index_dir": articles_index, "rate_limit": RateLimit(0, 60.0)}
        settings = Settings(**{**options, **overrides})
        api = LiveApi(create_app(settings)).start()
        started.append(api)
        return api

    yield start
    for api in started:
        api.stop()

"""Fixtures for the fault tests: the API as deployed (uvicorn worker processes in their own
process group, so that a test can SIGKILL all of them), over a copy of the real built
knowledge base, with SQLite or a real PostgreSQL server."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults.api_process import ApiProcess


@pytest.fixture
def start_api(tmp_path: Path) -> Iterator[Callable[..., ApiProcess]]:
    """Start the API (stopped at the end of the test, whatever happened)."""
    started: list[ApiProcess] = []

    def start(index_dir: Path, database_url: str, *, workers: int = 2) -> ApiProcess:
        api = ApiProcess(tmp_path, index_dir, database_url, workers=workers)
        started.append(api)
        return api.wait_ready()

    yield start
    for api in started:
        api.stop()


@pytest.fixture
def kb_copy(built_kb: Path, tmp_path: Path) -> Path:
    """A private copy of the built real knowledge base (docs, site, index), to rebuild."""
    dest = tmp_path / "kb"
    shutil.copytree(
        built_kb, dest, symlinks=True, ignore=shutil.ignore_patterns("*.sqlite3*", "*.log")
    )
    return dest

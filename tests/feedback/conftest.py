"""Fixtures for the feedback tests: databases (SQLite files, a real PostgreSQL server),
a search index of the repository's articles and the real API on a local port."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- PostgreSQL ------------------------------------------------------------------------------


class PostgresServer:
    """A throw-away PostgreSQL cluster: initdb, pg_ctl start on a Unix socket, stop."""

    def __init__(self) -> None:
        missing = [tool for tool in ("initdb", "pg_ctl") if shutil.which(tool) is None]
        if missing:
            pytest.fail(
                f"PostgreSQL server binaries not on PATH: {', '.join(missing)} "
                "(Debian: apt-get install postgresql; add /usr/lib/postgresql/*/bin to PATH)"
            )
        self.base = Path(tempfile.mkdtemp(prefix="kb-pg-"))
        self.data = self.base / "data"
        self.port = _free_port()
        self.runas: list[str] = []
        if os.geteuid() == 0:
            # initdb refuses to run as root: run the server as an unprivileged user.
            user = next((u for u in ("postgres", "nobody") if _user_exists(u)), None)
            if user is None or shutil.which("runuser") is None:
                pytest.fail("running as root without a 'postgres' user or runuser: cannot initdb")
            shutil.chown(self.base, user)
            self.runas = ["runuser", "-u", user, "--"]
        self._counter = itertools.count(1)

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run([*self.runas, *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stderr}\n{tail}")

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "kb", "-E", "UTF8",
                  "--no-sync")  # fmt: skip
        options = f"-k {self.base} -p {self.port} -c listen_addresses='' -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "server.log"), "-w",
                  "-t", "60", "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://kb@/{database}?host={self.base}&port={self.port}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"kb_test_{next(self._counter)}"
        with psycopg.connect(host=str(self.base), port=self.port, user="kb", dbname="postgres",
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (fails, never skips, if it cannot start)."""
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'feedback.sqlite3'}"


# -- the index and the live API ----------------------------------------------------------------


@pytest.fixture(scope="session")
def articles_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A search index of the repository's articles, built the way `kb build` does."""
    import search
    from kb_builder.articles import load_articles, to_documents

    extra = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8")).get("extra", {})
    index_dir = tmp_path_factory.mktemp("feedback-index") / "index"
    search.build_index(to_documents(load_articles(REPO / "docs"), extra), index_dir)
    return index_dir


class LiveApi:
    """The real ASGI app under uvicorn in a background thread (lifespan on: migrations
    run at start, as in production)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveApi:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


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

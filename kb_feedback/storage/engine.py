"""Database engines for the feedback store: SQLite (WAL) by default, PostgreSQL for replicas."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from kb_feedback.storage.errors import StorageError

__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "SUPPORTED_BACKENDS",
    "insert_for",
    "make_engine",
    "sqlite_path",
]

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for another process's write to finish."""


SUPPORTED_BACKENDS = ("sqlite", "postgresql")
"""Databases whose ``INSERT ... ON CONFLICT`` the store uses for its upserts."""


def insert_for(dialect: str, table: Table) -> Any:
    """An ``INSERT`` with ``on_conflict_do_nothing/update`` for the dialect named
    (``conn.dialect.name``)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL; None for other databases and in-memory SQLite."""
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise StorageError(f"KB_DATABASE_URL: expected an SQLAlchemy URL, got {url!r}") from e
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # WAL: readers never block the writer nor each other; NORMAL is durable in WAL
        # mode except for the last transactions before a power loss.
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _use_wal(cursor: Any) -> None:
    """Put the database in WAL mode (a property of the file, so usually already set).

    Switching needs an exclusive lock, and SQLite answers "database is locked" at once,
    without waiting out ``busy_timeout``, when another process is switching or creating
    the schema at the same moment (several workers opening a new database together).
    So the switch is retried for as long as a writer would wait.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()
            if mode and str(mode[0]).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e):
                raise
            if time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def make_engine(url: str, *, create: bool = True, connect_timeout: float = 5.0) -> Engine:
    """An engine for ``url`` with the settings concurrent writers need.

    Args:
        url: An SQLAlchemy URL: ``sqlite:///.kb/kb.sqlite3`` or
            ``postgresql+psycopg://user:pass@host/db``.
        create: For SQLite, create the file's folder. With ``create=False`` a missing
            file is an error (the build reads views but never creates a database).
        connect_timeout: Seconds to wait for a PostgreSQL server.

    Raises:
        StorageError: the URL is malformed, or names a missing SQLite file and
            ``create`` is false.
    """
    path = sqlite_path(url)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as e:
        raise StorageError(f"KB_DATABASE_URL: expected an SQLAlchemy URL, got {url!r}") from e
    if backend not in SUPPORTED_BACKENDS:
        raise StorageError(
            f"KB_DATABASE_URL: expected a sqlite:// or postgresql+psycopg:// URL, got "
            f"{_safe(url)!r}"
        )
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        if path is not None:
            if create:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as e:
                    raise StorageError(f"cannot create the feedback database's folder: {e}") from e
            elif not path.is_file():
                raise StorageError(f"no feedback database at {path}")
        # pysqlite's own lock wait, in seconds, matching busy_timeout.
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    elif backend == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": max(1, round(connect_timeout))}
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as e:
        raise StorageError(f"cannot use the feedback database {_safe(url)}: {e}") from e
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    log.debug("feedback database engine for %s", _safe(url))
    return engine


def _safe(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"

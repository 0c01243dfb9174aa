"""Versioned schema migrations, applied in order, each once, under a database-wide lock.

Why not Alembic: the schema is six small tables owned by one package, and the API runs
its migrations itself at start (several workers or replicas may start at once). A list
of numbered steps, a ``kb_schema_version`` table and one lock per database
(``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL) do that in a page, with
no ``env.py``, no script directory and no extra dependency.

Each step creates the tables *as they were at that version* (its own ``MetaData``),
never from :mod:`kb_feedback.storage.schema`, which describes the latest version: a later
step may change a table, and replaying step 1 must still produce step 1's schema.

To change the schema: append a :class:`Migration` with the next number, then update
:mod:`kb_feedback.storage.schema`; the tests check that the two agree.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
    text,
)

from kb_feedback.storage.errors import StorageError
from kb_feedback.storage.schema import schema_version

__all__ = ["MIGRATIONS", "Migration", "current_version", "migrate"]

log = logging.getLogger(__name__)

# Any constant shared by every process of the application: "kbfeedbk" as an integer.
_PG_LOCK_KEY = 0x6B62666565646B


@dataclass(frozen=True)
class Migration:
    """One numbered step of the schema's history."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_initial(conn: Connection) -> None:
    md = MetaData()
    Table(
        "kb_salts",
        md,
        Column("day", Date, primary_key=True),
        Column("salt", LargeBinary(32), nullable=False),
    )
    Table(
        "kb_votes", md,
        Column("path", String(300), primary_key=True),
        Column("visitor", String(32), primary_key=True),
        Column("helpful", Boolean, nullable=False),
        Column("comment", String(500), nullable=True),
        Column("day", Date, nullable=False),
    )  # fmt: skip
    Table(
        "kb_view_visitors", md,
        Column("day", Date, primary_key=True),
        Column("path", String(300), primary_key=True),
        Column("visitor", String(32), primary_key=True),
    )  # fmt: skip
    Table(
        "kb_view_counts", md,
        Column("path", String(300), primary_key=True),
        Column("day", Date, primary_key=True),
        Column("views", Integer, nullable=False),
    )  # fmt: skip
    Table(
        "kb_events", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("day", Date, nullable=False),
        Column("type", String(32), nullable=False),
        Column("path", String(300), nullable=True),
        Column("query", String(100), nullable=True),
        Index("ix_kb_events_day_type", "day", "type"),
    )  # fmt: skip
    md.create_all(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "votes, daily view counts, events, daily salts", _v1_initial),
)
"""Every schema version, oldest first; numbers are consecutive from 1."""


def _lock(conn: Connection) -> None:
    """Hold the database's migration lock until the transaction ends."""
    name = conn.dialect.name
    if name == "sqlite":
        # pysqlite has not begun a transaction yet (it does so lazily before DML):
        # BEGIN IMMEDIATE takes the write lock now, so two processes cannot both see
        # "version 0" and both create the tables.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    else:
        log.warning("no migration lock for %s: start a single process first", name)


def current_version(conn: Connection) -> int:
    """The schema version of the database (0 when no migration has run)."""
    schema_version.create(conn, checkfirst=True)
    return int(conn.scalar(select(func.coalesce(func.max(schema_version.c.version), 0))) or 0)


def migrate(engine: Engine) -> int:
    """Apply every pending migration, in one transaction; return the schema version.

    Safe to call from several processes at once: they queue on the lock and all but
    the first find nothing to do.

    Raises:
        StorageError: the database was migrated by a newer release of this code.
    """
    latest = MIGRATIONS[-1].version
    with engine.connect() as conn:
        _lock(conn)
        version = current_version(conn)
        if version > latest:
            conn.rollback()
            raise StorageError(
                f"the feedback database has schema version {version}, newer than this "
                f"release knows ({latest}); upgrade the code before using it"
            )
        for step in MIGRATIONS:
            if step.version <= version:
                continue
            log.info(
                "migrating the feedback database to version %d: %s", step.version, step.description
            )
            step.apply(conn)
            conn.execute(
                insert(schema_version).values(
                    version=step.version,
                    description=step.description,
                    applied_at=dt.datetime.now(dt.UTC),
                )
            )
        conn.commit()
    return latest

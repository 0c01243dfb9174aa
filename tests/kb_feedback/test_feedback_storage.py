"""The feedback store on SQLite and PostgreSQL: counting, privacy, retention, migrations."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from kb_feedback.storage import (
    EVENT_TYPES,
    MIGRATIONS,
    FeedbackStore,
    PurgeResult,
    StorageError,
    make_engine,
    purge,
)
from kb_feedback.storage import schema as tables

DAY = dt.date(2025, 3, 10)


def migrate(database_url: str) -> int:
    """Bring the database to the latest schema, as :meth:`FeedbackStore.open` does."""
    store = FeedbackStore(make_engine(database_url))
    try:
        return store.migrate()
    finally:
        store.close()


class Clock:
    """A settable 'today'."""

    def __init__(self, day: dt.date = DAY) -> None:
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(database_url: str, clock: Clock) -> Iterator[FeedbackStore]:
    s = FeedbackStore.open(database_url, clock=clock)
    yield s
    s.close()


def test_a_view_counts_once_per_visitor_article_and_day(store: FeedbackStore, clock: Clock) -> None:
    alice = store.visitor("203.0.113.5")
    bob = store.visitor("203.0.113.6")
    assert store.record_view("email/quota.md", alice) is True
    assert store.record_view("email/quota.md", alice) is False
    assert store.record_view("email/quota.md", bob) is True
    assert store.record_view("email/webmail.md", alice) is True
    clock.day = DAY + dt.timedelta(days=1)
    assert store.record_view("email/quota.md", store.visitor("203.0.113.5")) is True
    assert store.stats("email/quota.md").views == 3
    assert store.view_totals() == {"email/quota.md": 3, "email/webmail.md": 1}
    assert store.view_totals(since=DAY + dt.timedelta(days=1)) == {"email/quota.md": 1}


def test_a_visitor_is_an_address_or_an_ipv6_64(store: FeedbackStore) -> None:
    assert store.visitor("2001:db8:1:2::1") == store.visitor("2001:db8:1:2:ffff:ffff:ffff:9")
    assert store.visitor("2001:db8:1:2::1") != store.visitor("2001:db8:1:3::1")
    assert store.visitor("::ffff:198.51.100.7") == store.visitor("198.51.100.7")
    assert store.visitor("198.51.100.7") != store.visitor("198.51.100.8")


def test_a_later_vote_replaces_the_earlier_one(store: FeedbackStore) -> None:
    alice = store.visitor("203.0.113.5")
    bob = store.visitor("203.0.113.6")
    store.record_vote("email/quota.md", alice, helpful=True)
    store.record_vote("email/quota.md", bob, helpful=True)
    assert store.stats("email/quota.md").to_dict() == {
        "path": "email/quota.md", "views": 0, "helpful": 2, "not_helpful": 0,
    }  # fmt: skip
    store.record_vote("email/quota.md", alice, helpful=False, comment="Nothing about IMAP.")
    assert store.stats("email/quota.md").to_dict() == {
        "path": "email/quota.md", "views": 0, "helpful": 1, "not_helpful": 1,
    }  # fmt: skip
    with store.engine.connect() as conn:
        comments = conn.execute(select(tables.votes.c.comment)).scalars().all()
    assert sorted(comments, key=lambda c: c or "") == [None, "Nothing about IMAP."]


def test_a_later_vote_without_a_comment_keeps_the_earlier_comment(store: FeedbackStore) -> None:
    alice = store.visitor("203.0.113.5")
    store.record_vote("email/quota.md", alice, helpful=False, comment="Nothing about IMAP.")
    store.record_vote("email/quota.md", alice, helpful=False)
    store.record_vote("email/quota.md", alice, helpful=True)
    with store.engine.connect() as conn:
        rows = conn.execute(select(tables.votes.c.helpful, tables.votes.c.comment)).all()
    assert [tuple(r) for r in rows] == [(True, "Nothing about IMAP.")]
    store.record_vote("email/quota.md", alice, helpful=False, comment="Still nothing on POP.")
    with store.engine.connect() as conn:
        assert conn.scalar(select(tables.votes.c.comment)) == "Still nothing on POP."


def test_unknown_event_types_are_refused(store: FeedbackStore) -> None:
    with pytest.raises(ValueError, match="expected an event type in"):
        store.record_event("clicked")
    for kind in EVENT_TYPES:
        store.record_event(kind, path="email/quota.md", query="quota")


def _dump(url: str) -> str:
    """Every value in every table, as one string."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [
            repr(row)
            for table in tables.metadata.sorted_tables
            for row in conn.execute(select(table))
        ]
    engine.dispose()
    return "\n".join(rows)


def test_no_address_network_or_secret_is_stored(database_url: str, clock: Clock) -> None:
    store = FeedbackStore.open(database_url, clock=clock)
    visitor = store.visitor("198.51.100.23")
    store.record_view("email/quota.md", visitor)
    store.record_view("email/quota.md", store.visitor("2001:db8:77:1::23"))
    store.record_vote(
        "email/quota.md",
        visitor,
        helpful=False,
        comment="It failed, my password is Tidewater#88 and PIN 804219. " + "x" * 600,
    )
    store.record_event(
        "search_no_results",
        query="cpanel token ABCDEFGHIJKLMNOPQRSTUVWXYZ123456 rejected " + "y" * 200,
    )
    store.close()
    dump = _dump(database_url)
    for secret in (
        "198.51.100.23",
        "2001:db8:77",
        "2001:0db8",
        "Tidewater#88",
        "804219",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ123456",
    ):
        assert secret not in dump
    assert "[redacted]" in dump
    engine = make_engine(database_url)
    with engine.connect() as conn:
        comment = conn.scalar(select(tables.votes.c.comment))
        query = conn.scalar(select(tables.events.c.query))
    engine.dispose()
    assert comment is not None and len(comment) == tables.COMMENT_MAX
    assert comment.startswith("It failed, my password is [redacted] and PIN [redacted].")
    assert query is not None and len(query) == tables.QUERY_MAX
    assert query.startswith("cpanel token [redacted] rejected")


def test_the_salt_rotates_daily_and_old_salts_are_deleted(
    store: FeedbackStore, clock: Clock
) -> None:
    first = store.visitor("203.0.113.5")
    assert store.visitor("203.0.113.5") == first
    store.record_view("email/quota.md", first)
    clock.day = DAY + dt.timedelta(days=1)
    second = store.visitor("203.0.113.5")
    assert second.id != first.id and second.day == clock.day
    with store.engine.connect() as conn:
        assert conn.execute(select(tables.salts.c.day)).scalars().all() == [clock.day]
        # yesterday's "already counted" rows went with yesterday's salt
        assert conn.execute(select(tables.view_visitors)).all() == []
    # Another process (another store on the same database) computes the same ids.
    other = FeedbackStore(store.engine, clock=clock)
    assert other.visitor("203.0.113.5") == second


def test_purge_deletes_old_events_and_comments_but_keeps_counts(
    database_url: str, clock: Clock
) -> None:
    store = FeedbackStore.open(database_url, clock=clock)
    old = store.visitor("203.0.113.5")
    store.record_view("email/quota.md", old)
    store.record_vote("email/quota.md", old, helpful=False, comment="old comment")
    store.record_event("search_no_results", query="old query")
    clock.day = DAY + dt.timedelta(days=40)
    new = store.visitor("203.0.113.9")
    store.record_vote("email/webmail.md", new, helpful=False, comment="new comment")
    store.record_event("search_no_results", query="new query")
    result = store.purge(30)
    assert result == PurgeResult(events=1, comments=1, view_visitors=0, salts=0)
    dump = _dump(database_url)
    assert "old query" not in dump and "old comment" not in dump
    assert "new query" in dump and "new comment" in dump
    assert store.stats("email/quota.md").to_dict() == {
        "path": "email/quota.md", "views": 1, "helpful": 0, "not_helpful": 1,
    }  # fmt: skip
    store.close()
    # The module-level function (`kb purge`) uses the real clock: everything here is old.
    assert purge(database_url, 1).events == 1
    with pytest.raises(ValueError, match="expected a number of days >= 0, got -1"):
        purge(database_url, -1)


def test_retention_runs_when_the_day_changes(database_url: str, clock: Clock) -> None:
    store = FeedbackStore.open(database_url, clock=clock, retention_days=7)
    store.visitor("203.0.113.5")
    store.record_event("search_no_click", query="mx record")
    clock.day = DAY + dt.timedelta(days=8)
    store.visitor("203.0.113.5")  # first visitor of a new day
    assert "mx record" not in _dump(database_url)
    store.close()


def test_migrations_are_versioned_idempotent_and_match_the_schema(database_url: str) -> None:
    assert migrate(database_url) == MIGRATIONS[-1].version
    assert migrate(database_url) == MIGRATIONS[-1].version
    engine = make_engine(database_url)
    with engine.connect() as conn:
        versions = conn.execute(select(tables.schema_version.c.version)).scalars().all()
        assert versions == [m.version for m in MIGRATIONS]
        inspector = inspect(conn)
        for table in tables.metadata.sorted_tables:
            columns = {c["name"]: c for c in inspector.get_columns(table.name)}
            assert list(columns) == [c.name for c in table.columns], table.name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, (
                    table.name,
                    column.name,
                )
            primary = inspector.get_pk_constraint(table.name)["constrained_columns"]
            assert primary == [c.name for c in table.primary_key.columns], table.name
        future = {
            "version": 999,
            "description": "from the future",
            "applied_at": dt.datetime.now(dt.UTC),
        }
        conn.execute(tables.schema_version.insert().values(**future))
        conn.commit()
    engine.dispose()
    with pytest.raises(
        StorageError, match=r"schema version 999, newer than this release knows \(1\)"
    ):
        migrate(database_url)


def test_sqlite_uses_wal_and_a_busy_timeout(sqlite_url: str) -> None:
    store = FeedbackStore.open(sqlite_url)
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    store.close()


def test_opening_waits_out_a_writer_that_holds_a_new_database(tmp_path: Path) -> None:
    """Another process holds the write lock of a database still in rollback mode (it is
    creating the schema). Switching to WAL needs the lock, and SQLite answers "database is
    locked" at once rather than waiting: the store must wait and retry, not fail."""
    path = tmp_path / "kb.sqlite3"
    other = sqlite3.connect(path, timeout=10, isolation_level=None)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    outcome: dict[str, object] = {}

    def open_store() -> None:
        try:
            store = FeedbackStore.open(f"sqlite:///{path}")
            with store.engine.connect() as conn:
                outcome["mode"] = conn.execute(text("PRAGMA journal_mode")).scalar()
            store.close()
        except Exception as e:  # reported below, with the other process's outcome
            outcome["error"] = e

    opener = threading.Thread(target=open_store)
    opener.start()
    time.sleep(0.5)
    other.execute("COMMIT")
    other.close()
    opener.join(timeout=30)
    assert outcome == {"mode": "wal"}


def test_unusable_urls_are_reported(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="expected an SQLAlchemy URL, got 'not a url'"):
        make_engine("not a url")
    with pytest.raises(StorageError, match="expected a sqlite:// or postgresql"):
        make_engine("mysql://u@localhost/kb")
    with pytest.raises(StorageError, match="no feedback database at"):
        make_engine(f"sqlite:///{tmp_path / 'missing.sqlite3'}", create=False)


def test_storage_imports_neither_fastapi_nor_mkdocs() -> None:
    """`kb build` reads views through kb_feedback.storage: it must stay free of serving code."""
    import ast

    package = Path(__file__).resolve().parents[2] / "kb_api" / "storage"
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )  # fmt: skip
            for name in names:
                assert name.split(".")[0] not in {"fastapi", "starlette", "mkdocs"}, module.name

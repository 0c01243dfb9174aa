"""Storage of feedback: votes, views, deflection and search events (SQLAlchemy Core).

SQLite by default (one file, WAL mode), PostgreSQL when several API replicas share it::

    from kb_feedback.storage import FeedbackStore

    store = FeedbackStore.open("sqlite:///.kb/kb.sqlite3")     # runs pending migrations
    visitor = store.visitor(client_address)                   # a daily HMAC, no address
    store.record_view("email/quota.md", visitor)
    store.record_vote("email/quota.md", visitor, helpful=False, comment="What about IMAP?")
    store.stats("email/quota.md")  # ArticleStats(path, views, helpful, not_helpful)

Nothing in this package imports FastAPI or MkDocs: ``kb build`` reads view counts and
``kb report`` / ``kb purge`` work on the database through it.
"""

from __future__ import annotations

from kb_feedback.storage.engine import make_engine, sqlite_path
from kb_feedback.storage.errors import StorageError
from kb_feedback.storage.migrations import MIGRATIONS, Migration
from kb_feedback.storage.store import (
    EVENT_TYPES,
    ArticleStats,
    EventType,
    FeedbackStore,
    PurgeResult,
    Visitor,
    utc_today,
)

__all__ = [
    "EVENT_TYPES",
    "MIGRATIONS",
    "ArticleStats",
    "EventType",
    "FeedbackStore",
    "Migration",
    "PurgeResult",
    "StorageError",
    "Visitor",
    "make_engine",
    "purge",
    "sqlite_path",
    "utc_today",
]


def purge(database_url: str, older_than_days: int) -> PurgeResult:
    """Delete events and comments older than ``older_than_days`` (``kb purge``).

    Raises:
        StorageError: the database cannot be reached.
    """
    store = FeedbackStore.open(database_url)
    try:
        return store.purge(older_than_days)
    finally:
        store.close()

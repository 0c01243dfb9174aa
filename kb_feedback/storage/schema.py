"""The feedback database's tables as the code reads and writes them (SQLAlchemy Core).

These definitions describe the schema *after* every migration in
:mod:`kb_feedback.storage.migrations` has run; a test checks that the two agree. Change the
schema by adding a migration, then updating this module to match.

Nothing here identifies a person: visitors are daily HMACs (see
:mod:`kb_feedback.storage.visitors`), queries and comments are truncated and have secrets
redacted before they are stored.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)

__all__ = [
    "COMMENT_MAX",
    "EVENT_TYPE_MAX",
    "PATH_MAX",
    "QUERY_MAX",
    "VISITOR_LEN",
    "events",
    "metadata",
    "salts",
    "schema_version",
    "view_counts",
    "view_visitors",
    "votes",
]

PATH_MAX = 300
"""Longest article path stored (``email/quota.md``)."""
COMMENT_MAX = 500
"""Longest "what was missing" comment stored."""
QUERY_MAX = 100
"""Search queries are cut to this many characters before they are stored."""
EVENT_TYPE_MAX = 32
VISITOR_LEN = 32
"""Hex characters of a visitor id (128 bits of an HMAC-SHA256)."""

metadata = MetaData()

schema_version = Table(
    "kb_schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)
"""One row per applied migration."""

salts = Table(
    "kb_salts",
    metadata,
    Column("day", Date, primary_key=True),
    Column("salt", LargeBinary(32), nullable=False),
)
"""The random key of each day's visitor HMAC; only today's is kept."""

votes = Table(
    "kb_votes",
    metadata,
    Column("path", String(PATH_MAX), primary_key=True),
    Column("visitor", String(VISITOR_LEN), primary_key=True),
    Column("helpful", Boolean, nullable=False),
    Column("comment", String(COMMENT_MAX), nullable=True),
    Column("day", Date, nullable=False),
)
"""One vote per visitor and article; a later vote replaces it."""

view_visitors = Table(
    "kb_view_visitors",
    metadata,
    Column("day", Date, primary_key=True),
    Column("path", String(PATH_MAX), primary_key=True),
    Column("visitor", String(VISITOR_LEN), primary_key=True),
)
"""Who has been counted today, so that a visitor counts once per article and day.
Rows of past days are deleted when the salt rotates."""

view_counts = Table(
    "kb_view_counts",
    metadata,
    Column("path", String(PATH_MAX), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("views", Integer, nullable=False),
)
"""Distinct visitors per article and day: the numbers that are kept."""

events = Table(
    "kb_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("day", Date, nullable=False),
    Column("type", String(EVENT_TYPE_MAX), nullable=False),
    Column("path", String(PATH_MAX), nullable=True),
    Column("query", String(QUERY_MAX), nullable=True),
    Index("ix_kb_events_day_type", "day", "type"),
)
"""Deflection and search events. No visitor, no ticket text."""

"""Feedback: what visitors and widgets tell us, stored, and the report made of it.

- :mod:`kb_feedback.storage`: votes, views and events in SQLite or PostgreSQL
  (migrations, privacy of free text, the retention purge);
- :mod:`kb_feedback.report`: ``kb report`` as a :class:`~kb_feedback.report.Report`,
  rendered by :func:`~kb_feedback.report.render_text` or
  :func:`~kb_feedback.report.render_html`.

Nothing here imports FastAPI, MkDocs or the search engine: ``kb build`` reads view counts,
``kb report`` and ``kb purge`` work on the database, and the HTTP API records into it.
"""

from __future__ import annotations

__all__ = ["DEFAULT_DATABASE_FILE", "DEFAULT_DATABASE_URL"]

DEFAULT_DATABASE_FILE = ".kb/kb.sqlite3"
"""The feedback database when none is configured, relative to the project folder."""

DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATABASE_FILE}"
"""The SQLAlchemy URL of :data:`DEFAULT_DATABASE_FILE` (what the API opens by default)."""

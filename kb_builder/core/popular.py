""" "Most viewed": the view counts the API stored, read at build time.

The list is there when a feedback database is configured and reachable; otherwise it is
left out (a warning says why). The database is read through :mod:`kb_feedback.storage`
alone, imported only when a database is configured; nothing here imports FastAPI.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from kb_builder.core import listings
from kb_builder.core.articles import Article
from kb_feedback import DEFAULT_DATABASE_FILE

__all__ = ["database_url_for_build", "most_viewed", "read_view_totals"]

log = logging.getLogger(__name__)


def database_url_for_build(configured: str | None, project_dir: Path) -> str | None:
    """The database ``kb build`` reads views from.

    The plugin's ``database_url`` option, else ``KB_DATABASE_URL``, else the API's
    default SQLite file (``.kb/kb.sqlite3`` in ``project_dir``) if it exists; None when
    there is none (then "Most viewed" is left out).
    """
    if configured:
        return configured
    from_env = os.environ.get("KB_DATABASE_URL", "").strip()
    if from_env:
        return from_env
    default = project_dir / DEFAULT_DATABASE_FILE
    return f"sqlite:///{default}" if default.is_file() else None


def read_view_totals(database_url: str, *, since: dt.date | None = None) -> dict[str, int] | None:
    """Views per article path since ``since`` (all time when None), or None when the
    database cannot be read. Never creates or migrates a database."""
    from sqlalchemy.exc import SQLAlchemyError

    from kb_feedback.storage import FeedbackStore, StorageError, make_engine

    try:
        store = FeedbackStore(make_engine(database_url, create=False, connect_timeout=3))
    except StorageError as e:
        log.warning("'Most viewed' left out: %s", e)
        return None
    try:
        return store.view_totals(since=since)
    except SQLAlchemyError as e:
        log.warning("'Most viewed' left out: cannot read view counts: %s", e.__class__.__name__)
        log.debug("view counts unreadable", exc_info=True)
        return None
    finally:
        store.close()


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def most_viewed(
    articles: Sequence[Article], views: Mapping[str, int], page: Article, *, limit: int
) -> str:
    """The "Most viewed" block of ``page``: the most viewed of ``articles``, with counts."""
    by_path = {a.rel_path: a for a in articles}
    viewed = sorted(
        ((n, path) for path, n in views.items() if path in by_path and n > 0),
        key=lambda item: (-item[0], by_path[item[1]].title.casefold()),
    )[:limit]
    return listings.list_block(
        "Most viewed",
        [listings.Entry.of(by_path[path], _plural(n, "view")) for n, path in viewed],
        page,
        "kb-block--popular",
    )

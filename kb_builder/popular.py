"""The "Most viewed" and "Recently updated" lists of the home page and section pages.

Both are computed at build time, so the published site stays static:

- "Most viewed" comes from the view counts the API stored, when a feedback database is
  configured and reachable; otherwise the list is left out (a warning says why).
- "Recently updated" comes from each article's ``last_reviewed``, else the date of the
  file's last git commit, else its modification time.

Read the data once per build with :func:`load_popularity`, then render each page's
blocks with :func:`popular_blocks`. The database is read through :mod:`kb_feedback.storage`
alone (imported only when a database is configured); nothing here imports FastAPI.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import kb_builder.listings as listings
from kb_builder.core.articles import Article
from kb_builder.core.site import Site

__all__ = [
    "Popularity",
    "database_url_for_build",
    "git_dates",
    "load_popularity",
    "popular_blocks",
    "read_view_totals",
]

log = logging.getLogger(__name__)

DEFAULT_SQLITE = Path(".kb") / "kb.sqlite3"
"""The API's default database, relative to the project folder."""


@dataclass(frozen=True)
class Popularity:
    """What the lists are made from, read once per build."""

    views: Mapping[str, int] | None
    """Views per article path over the last ``days``; None without a database."""
    updated: Mapping[str, dt.date] = field(default_factory=dict)
    """When each article was last updated (``last_reviewed``, git or file date)."""
    days: int = 30
    """The window of ``views``, in days."""


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
    default = project_dir / DEFAULT_SQLITE
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


def git_dates(docs_dir: Path) -> dict[str, dt.date]:
    """Date of the last commit of each file under ``docs_dir`` (paths relative to it);
    empty when ``docs_dir`` is not in a git work tree or git is missing."""
    try:
        out = subprocess.run(
            ["git", "log", "--format=%x00%cs", "--name-only", "--relative", "--", "."],
            cwd=docs_dir,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for line in out.splitlines():
        if line.startswith("\x00"):
            try:
                current = dt.date.fromisoformat(line[1:].strip())
            except ValueError:
                current = None
        elif line.strip() and current is not None:
            # git log lists the newest commit first: keep the first date seen.
            dates.setdefault(line.strip(), current)
    return dates


def _updated_dates(site: Site) -> dict[str, dt.date]:
    from_git = git_dates(site.docs_dir)
    dates: dict[str, dt.date] = {}
    for article in site.published():
        if not article.is_article:
            continue
        date = article.last_reviewed or from_git.get(article.rel_path)
        if date is None:
            try:
                mtime = (site.docs_dir / article.rel_path).stat().st_mtime
            except OSError:
                continue
            date = dt.datetime.fromtimestamp(mtime, dt.UTC).date()
        dates[article.rel_path] = date
    return dates


def load_popularity(
    site: Site,
    *,
    database_url: str | None,
    days: int = 30,
    today: dt.date | None = None,
) -> Popularity:
    """Read view counts (when ``database_url`` is set) and update dates, once per build.

    Args:
        site: The loaded site (its published articles are listed).
        database_url: From :func:`database_url_for_build`; None leaves "Most viewed" out.
        days: "Most viewed" counts the views of this many days up to ``today``.
    """
    views = None
    if database_url:
        today = today or dt.datetime.now(dt.UTC).date()
        views = read_view_totals(database_url, since=today - dt.timedelta(days=days - 1))
    return Popularity(views=views, updated=_updated_dates(site), days=days)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def popular_blocks(
    popularity: Popularity,
    site: Site,
    page: Article,
    *,
    section: str | None = None,
    limit: int = 5,
) -> str:
    """Escaped HTML: "Most viewed" then "Recently updated", for ``page``.

    Args:
        popularity: From :func:`load_popularity`.
        site: The site whose published articles are listed.
        page: The page the lists are added to (links are relative to it).
        section: List only this section's articles (a section page); None for the whole
            site (the home page).
        limit: Entries per list (the plugin's ``popular_limit``).
    """
    articles = [
        a for a in site.published() if a.is_article and (section is None or a.section == section)
    ]
    by_path = {a.rel_path: a for a in articles}
    blocks = ""
    if popularity.views is not None:
        viewed = sorted(
            ((n, path) for path, n in popularity.views.items() if path in by_path and n > 0),
            key=lambda item: (-item[0], by_path[item[1]].title.casefold()),
        )[:limit]
        blocks += listings.list_block(
            "Most viewed",
            [listings.Entry.of(by_path[path], _plural(n, "view")) for n, path in viewed],
            page,
            "kb-block--popular",
        )
    recent = sorted(
        (a for a in articles if a.rel_path in popularity.updated),
        key=lambda a: (-popularity.updated[a.rel_path].toordinal(), a.title.casefold()),
    )[:limit]
    blocks += listings.list_block(
        "Recently updated",
        [listings.Entry.of(a, popularity.updated[a.rel_path].isoformat()) for a in recent],
        page,
        "kb-block--recent",
    )
    return blocks

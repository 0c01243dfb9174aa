""" "Recently updated": when each article last changed, and the list of the newest.

An article's date is its ``last_reviewed``, else the date of its file's last git commit,
else the file's modification time. Computed at build time, so the site stays static.

The list is the newest articles by that date; articles of the same date come most viewed
first (when view counts are known), then by title. When every article has the same date
(a knowledge base reviewed in one go), a list would be an arbitrary pick: the block says
so in one sentence instead.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from kb_builder.core import listings
from kb_builder.core.articles import Article
from kb_builder.core.site import Site

__all__ = ["git_dates", "recently_updated", "updated_dates"]


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


def updated_dates(site: Site) -> dict[str, dt.date]:
    """When each published article was last updated, by path."""
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


def recently_updated(
    articles: Sequence[Article],
    updated: Mapping[str, dt.date],
    page: Article,
    *,
    limit: int,
    views: Mapping[str, int] | None = None,
) -> str:
    """The "Recently updated" block of ``page``: the newest of ``articles``, with dates.

    Args:
        views: Views per article path, to order articles of the same date (most viewed
            first); None or missing paths count as no views.
    """
    dated = [a for a in articles if a.rel_path in updated]
    if not dated or limit <= 0:
        return ""
    dates = {updated[a.rel_path] for a in dated}
    if len(dated) > 1 and len(dates) == 1:
        noun = "article was" if len(dated) == 1 else f"{len(dated)} articles were"
        text = f"All {noun} last updated on {listings.human_date(dates.pop())}."
        return listings.text_block("Recently updated", text, "kb-block--recent")
    views = views or {}
    recent = sorted(
        dated,
        key=lambda a: (
            -updated[a.rel_path].toordinal(),
            -views.get(a.rel_path, 0),
            a.title.casefold(),
        ),
    )[:limit]
    return listings.list_block(
        "Recently updated",
        [listings.Entry.of(a, note_html=listings.human_date(updated[a.rel_path])) for a in recent],
        page,
        "kb-block--recent",
    )

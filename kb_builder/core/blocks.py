"""What each kind of page gets added below its text, as escaped HTML.

- the home page: "Browse by topic" (the sections), "Most viewed", "Recently updated";
- a section's landing page: "Most viewed" of the section (when there are view counts),
  then its list of articles ("Recently updated" is the home page's, once);
- an article: "Related articles", then "More in <section>".

Lists are computed at build time, so the published site stays static. Read the view
counts and update dates once per build with :func:`load_popularity`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kb_builder.core import listings
from kb_builder.core.articles import Article
from kb_builder.core.popular import most_viewed, read_view_totals
from kb_builder.core.recent import recently_updated, updated_dates
from kb_builder.core.related import related_articles
from kb_builder.core.site import Site

__all__ = [
    "BLOCKS_MARKER_HTML",
    "RELATED_PENDING_HTML",
    "BlockLimits",
    "Popularity",
    "load_popularity",
    "page_blocks",
    "popular_blocks",
    "related_block",
]

BLOCKS_MARKER_HTML = "<!-- kb:blocks -->"
"""Where a page's listings and lists go, on the finished page."""
RELATED_PENDING_HTML = "<!-- kb:related -->"
"""Where an article page's related articles go once the index has found them."""


@dataclass(frozen=True)
class Popularity:
    """What "Most viewed" and "Recently updated" are made from, read once per build."""

    views: Mapping[str, int] | None
    """Views per article path over the last ``days``; None without a database."""
    updated: Mapping[str, dt.date] = field(default_factory=dict)
    """When each article was last updated (``last_reviewed``, git or file date)."""
    days: int = 30
    """The window of ``views``, in days."""


@dataclass(frozen=True)
class BlockLimits:
    """How long the lists are (the plugin's options of the same names)."""

    related_limit: int = 5
    section_sidebar_limit: int = 8
    popular_limit: int = 5


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
        database_url: From :func:`kb_builder.core.popular.database_url_for_build`; None
            leaves "Most viewed" out.
        days: "Most viewed" counts the views of this many days up to ``today``.
    """
    views = None
    if database_url:
        today = today or dt.datetime.now(dt.UTC).date()
        views = read_view_totals(database_url, since=today - dt.timedelta(days=days - 1))
    return Popularity(views=views, updated=updated_dates(site), days=days)


def popular_blocks(
    popularity: Popularity,
    site: Site,
    page: Article,
    *,
    section: str | None = None,
    limit: int = 5,
    recent: bool = True,
) -> str:
    """ "Most viewed" (when there are view counts) then "Recently updated", for ``page``.

    Args:
        popularity: From :func:`load_popularity`.
        site: The site whose published articles are listed.
        page: The page the lists are added to (links are relative to it).
        section: List only this section's articles (a section page); None for the whole
            site (the home page).
        limit: Entries per list (the plugin's ``popular_limit``).
        recent: Add "Recently updated" (the home page); False for "Most viewed" only.
    """
    articles = [
        a for a in site.published() if a.is_article and (section is None or a.section == section)
    ]
    blocks = ""
    if popularity.views is not None:
        blocks += most_viewed(articles, popularity.views, page, limit=limit)
    if recent:
        blocks += recently_updated(
            articles, popularity.updated, page, limit=limit, views=popularity.views
        )
    return blocks


def related_block(
    article: Article, site: Site, nearest: Sequence[str] | None, *, limit: int
) -> str:
    """ "Related articles" of ``article``; :data:`RELATED_PENDING_HTML` while ``nearest``
    (the index's answer) is not known yet."""
    if nearest is None:
        return RELATED_PENDING_HTML
    return listings.related_block(related_articles(article, site, nearest, limit=limit), article)


def page_blocks(
    page: Article,
    site: Site,
    popularity: Popularity,
    *,
    nearest: Sequence[str] | None = (),
    limits: BlockLimits = BlockLimits(),
) -> str:
    """Everything added to ``page``; empty for pages that get nothing.

    Args:
        nearest: For an article, the paths the index found nearest by content; None
            while the index is still being built (see :func:`related_block`).
    """
    if page.is_home:
        sections = []
        for name in site.sections:
            landing = site.landing_page(name)
            if landing is not None:
                sections.append((landing, len(site.section_articles(name))))
        return listings.sections_grid(sections, page) + popular_blocks(
            popularity, site, page, limit=limits.popular_limit
        )
    if page.is_landing_page and page.section:
        return popular_blocks(
            popularity, site, page, section=page.section, limit=limits.popular_limit, recent=False
        ) + listings.section_listing(site.section_articles(page.section), page)
    if page.is_article:
        blocks = related_block(page, site, nearest, limit=limits.related_limit)
        if page.section:
            siblings = [a for a in site.section_articles(page.section) if a is not page]
            blocks += listings.section_sidebar(
                siblings[: limits.section_sidebar_limit],
                site.landing_page(page.section),
                page,
                len(siblings) + 1,
            )
        return blocks
    return ""

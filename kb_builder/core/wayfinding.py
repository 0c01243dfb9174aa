"""Where a reader is, and where to go next, as escaped HTML the theme templates print.

- the breadcrumb (Home › Section › Article) of section landing pages and articles;
- an article's facts: what it applies to and when it was last reviewed (front matter);
- the section's articles beside an article (the sidebar), a bounded window of them;
- the next steps offered where nothing was found: a search without results and the 404
  page (search again, browse a section, open a ticket).

The navigation (``nav:`` in ``mkdocs.yml``) lists the sections only, so that page size
and build time grow linearly with the number of articles. The sidebar keeps that
property: it lists at most ``limit`` articles of the article's own section (the ones
around it in title order) and links to the landing page for the rest.

Every value taken from an article or from the configuration is escaped here; the
templates print these strings as they are (MkDocs' Jinja does not autoescape).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup

from kb_builder.core.articles import Article
from kb_builder.core.listings import human_date, relative_url
from kb_builder.core.site import Site

__all__ = [
    "HOME_LABEL",
    "PageFrame",
    "article_facts",
    "breadcrumb",
    "not_found",
    "not_found_frame",
    "page_frame",
    "search_help",
    "section_nav",
    "section_window",
]

HOME_LABEL = "Home"
"""The first step of every breadcrumb (the navigation's name for the home page)."""


class _Links:
    """Links to site pages from one place: a page (relative links) or the 404 page
    (absolute paths under ``base``: it is served at any address)."""

    def __init__(self, *, from_url: str | None = None, base: str = "/") -> None:
        self.from_url = from_url
        self.base = base if base.endswith("/") else base + "/"

    def href(self, url: str) -> str:
        """``url`` (relative to the site root, or absolute http(s)) as an escaped href."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return html.escape(url, quote=True) if parts.scheme in ("http", "https") else ""
        if self.from_url is None:
            return html.escape(self.base + url.lstrip("/"), quote=True)
        return html.escape(relative_url(url or ".", self.from_url or "."), quote=True)


def breadcrumb(page: Article, site: Site) -> str:
    """Home › Section › Article for articles in a section, Home › Section for a section's
    landing page; empty elsewhere (the home page, pages outside the sections)."""
    if page.section is None or not (page.is_article or page.is_landing_page):
        return ""
    links = _Links(from_url=page.url)
    steps = [(HOME_LABEL, "")]
    landing = site.landing_page(page.section)
    if page.is_article and landing is not None:
        steps.append((landing.title, landing.url))
    items = [
        f'<li class="kb-breadcrumb__item"><a href="{links.href(url)}">{html.escape(title)}</a></li>'
        for title, url in steps
    ]
    items.append(
        f'<li class="kb-breadcrumb__item" aria-current="page">{html.escape(page.title)}</li>'
    )
    return (
        '<nav class="kb-breadcrumb" aria-label="Breadcrumb"><ol class="kb-breadcrumb__list">'
        + "".join(items)
        + "</ol></nav>"
    )


def article_facts(page: Article) -> str:
    """What the article applies to and when it was last reviewed; empty when neither is
    given (or for pages that are not articles)."""
    if not page.is_article:
        return ""
    facts = []
    if page.applies_to:
        facts.append(
            '<span class="kb-facts__item"><span class="kb-facts__label">Applies to:</span> '
            f"{html.escape(page.applies_to)}</span>"
        )
    if page.last_reviewed is not None:
        facts.append(
            '<span class="kb-facts__item"><span class="kb-facts__label">Last reviewed:</span> '
            f"{human_date(page.last_reviewed)}</span>"
        )
    if not facts:
        return ""
    return '<p class="kb-facts">' + "".join(facts) + "</p>"


def section_window(articles: Sequence[Article], page: Article, limit: int) -> list[Article]:
    """At most ``limit`` of ``articles`` (in title order), ``page`` among them and as near
    the middle as the ends allow. ``limit`` <= 0 lists none."""
    ordered = sorted(articles, key=lambda a: (a.title.casefold(), a.rel_path))
    if limit <= 0:
        return []
    if len(ordered) <= limit:
        return ordered
    at = next((i for i, a in enumerate(ordered) if a is page), 0)
    start = min(max(at - limit // 2, 0), len(ordered) - limit)
    return ordered[start : start + limit]


def section_nav(page: Article, site: Site, *, limit: int) -> str:
    """The sidebar of an article: its section's articles (a window of ``limit`` around it,
    the current one marked) and, when that is not all of them, a link to the full list."""
    if not page.is_article or page.section is None:
        return ""
    articles = site.section_articles(page.section)
    shown = section_window(articles, page, limit)
    if not shown:
        return ""
    links = _Links(from_url=page.url)
    landing = site.landing_page(page.section)
    name = landing.title if landing is not None else page.section
    items = []
    for a in shown:
        if a is page:
            items.append(
                '<li class="md-nav__item kb-section-nav__item">'
                '<a class="md-nav__link md-nav__link--active" aria-current="page" '
                f'href="{links.href(a.url)}">{html.escape(a.title)}</a></li>'
            )
        else:
            items.append(
                '<li class="md-nav__item kb-section-nav__item">'
                f'<a class="md-nav__link" href="{links.href(a.url)}">{html.escape(a.title)}</a>'
                "</li>"
            )
    more = ""
    if landing is not None and len(shown) < len(articles):
        more = (
            f'<p class="kb-section-nav__all"><a href="{links.href(landing.url)}">'
            f"All {len(articles)} articles in {html.escape(name)}</a></p>"
        )
    heading = (
        f'<a href="{links.href(landing.url)}">{html.escape(name)}</a>'
        if landing is not None
        else html.escape(name)
    )
    return (
        f'<nav class="md-nav kb-section-nav" aria-label="{html.escape(f"Articles in {name}")}">'
        f'<p class="kb-section-nav__title">{heading}</p>'
        f'<ul class="md-nav__list">{"".join(items)}</ul>{more}</nav>'
    )


def _sections(site: Site, links: _Links) -> str:
    items = []
    for name in site.sections:
        landing = site.landing_page(name)
        if landing is None:
            continue
        summary = (
            f' <span class="kb-summary">{html.escape(landing.summary)}</span>'
            if landing.summary
            else ""
        )
        link = f'<a href="{links.href(landing.url)}">{html.escape(landing.title)}</a>'
        items.append(f"<li>{link}{summary}</li>")
    return '<ul class="kb-listing kb-next-steps__sections">' + "".join(items) + "</ul>"


def _ticket(ticket_url: str, links: _Links) -> str:
    href = links.href(ticket_url)
    if not href:
        return ""
    return (
        f'<a class="kb-next-steps__ticket" href="{href}">Open a ticket</a>'
        " and the support team will help."
    )


def search_help(site: Site, *, ticket_url: str, from_url: str | None, base: str = "/") -> str:
    """What a search without results offers (kb-search.js shows it under "No matching
    documents"): other words, the sections, a ticket. A ``<template>``: inert until shown."""
    links = _Links(from_url=from_url, base=base)
    sections = ", ".join(
        f'<a href="{links.href(lp.url)}">{html.escape(lp.title)}</a>'
        for lp in (site.landing_page(s) for s in site.sections)
        if lp is not None
    )
    parts = [
        '<p class="kb-next-steps__hint">Try fewer or other words, or an exact error message.</p>'
    ]
    if sections:
        parts.append(f'<p class="kb-next-steps__browse">Browse a section: {sections}.</p>')
    ticket = _ticket(ticket_url, links)
    if ticket:
        parts.append(f"<p>Still stuck? {ticket}</p>")
    return (
        '<template id="kb-search-help"><div class="kb-next-steps kb-next-steps--search">'
        + "".join(parts)
        + "</div></template>"
    )


def not_found(site: Site, *, ticket_url: str, base: str = "/") -> str:
    """The body of the 404 page: search, the sections, how to open a ticket.

    Args:
        base: The site's path on its host (``/`` or ``site_url``'s path): the page is
            served at every missing address, so its links are absolute paths.
    """
    links = _Links(base=base)
    ticket = _ticket(ticket_url, links)
    return (
        '<div class="kb-not-found">'
        "<h1>Page not found</h1>"
        "<p>There is no page at this address: it may have moved, or the link has a typo."
        " Search the help center, browse a section, or open a ticket.</p>"
        '<p class="kb-not-found__search"><button type="button" class="md-button'
        ' md-button--primary" data-kb-open-search hidden>Search the help center</button></p>'
        '<h2 class="kb-block__title">Browse by topic</h2>'
        + _sections(site, links)
        + ('<h2 class="kb-block__title">Still stuck?</h2>' + f"<p>{ticket}</p>" if ticket else "")
        + "</div>"
    )


@dataclass(frozen=True)
class PageFrame:
    """What the theme templates print around one page (``kb`` in their context)."""

    breadcrumb: Markup
    facts: Markup
    sidebar: Markup
    search_help: Markup
    not_found: Markup
    """The body of the 404 page (empty on every other page)."""


def page_frame(page: Article, site: Site, *, ticket_url: str, sidebar_limit: int) -> PageFrame:
    """Everything :class:`PageFrame` holds for ``page`` (a page of ``site``)."""
    return PageFrame(
        breadcrumb=Markup(breadcrumb(page, site)),
        facts=Markup(article_facts(page)),
        sidebar=Markup(section_nav(page, site, limit=sidebar_limit)),
        search_help=Markup(search_help(site, ticket_url=ticket_url, from_url=page.url)),
        not_found=Markup(""),
    )


def not_found_frame(site: Site, *, ticket_url: str, base: str = "/") -> PageFrame:
    """The :class:`PageFrame` of the 404 page (links are absolute paths under ``base``)."""
    return PageFrame(
        breadcrumb=Markup(""),
        facts=Markup(""),
        sidebar=Markup(""),
        search_help=Markup(search_help(site, ticket_url=ticket_url, from_url=None, base=base)),
        not_found=Markup(not_found(site, ticket_url=ticket_url, base=base)),
    )

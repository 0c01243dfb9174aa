"""HTML added to pages: section listings, the home page's sections, the section sidebar,
titled lists ("Most viewed", "Recently updated"), "Related articles" and the ticket
form's demo.

Everything taken from articles is escaped. Links are relative to the page they are on, as
MkDocs writes them (``use_directory_urls``: ``email/quota/``), with no MkDocs imported.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kb_builder.core.articles import Article

__all__ = [
    "TICKET_DEMO_MARKER",
    "Entry",
    "entry_list",
    "human_date",
    "list_block",
    "related_block",
    "relative_url",
    "section_listing",
    "section_sidebar",
    "sections_grid",
    "text_block",
    "ticket_demo",
]

TICKET_DEMO_MARKER = "<!-- kb:ticket-demo -->"
"""Where an article shows the ticket widget's demo form. Articles may not contain forms
(the sanitiser removes them), so the plugin puts ours in after sanitising."""


@functools.cache
def _ticket_demo_form() -> str:
    return (Path(__file__).parent.parent / "templates" / "ticket-demo.html").read_text(
        encoding="utf-8"
    )


def ticket_demo(page_html: str) -> str:
    """``page_html`` with the demo form in place of :data:`TICKET_DEMO_MARKER`."""
    if TICKET_DEMO_MARKER not in page_html:
        return page_html
    return page_html.replace(TICKET_DEMO_MARKER, _ticket_demo_form(), 1)


_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def human_date(date: dt.date) -> str:
    """``<time datetime="2026-12-01">1 December 2026</time>`` (English, whatever the locale)."""
    text = f"{date.day} {_MONTHS[date.month - 1]} {date.year}"
    return f'<time datetime="{date.isoformat()}">{text}</time>'


@dataclass(frozen=True)
class Entry:
    """One line of a listing: a page with its title and summary."""

    url: str
    title: str
    summary: str = ""
    note: str = ""
    note_html: str = ""
    """A note that is already HTML (a ``<time>``), printed as it is; ``note`` is escaped."""

    @classmethod
    def of(cls, article: Article, note: str = "", *, note_html: str = "") -> Entry:
        return cls(article.url, article.title, article.summary, note, note_html)


def _parts(url: str) -> list[str]:
    path = posixpath.normpath("/" + url.removeprefix("/"))[1:]
    return path.split("/") if path else []


def relative_url(url: str, from_url: str) -> str:
    """``url`` as a link from the page at ``from_url`` (both site-relative, slash-separated).

    The rules of ``mkdocs.utils.get_relative_url``: a last part of ``from_url`` with a dot
    is a file, not a folder; ``..`` above the root stays at the root; a trailing slash
    is kept.
    """
    folder, _, last = from_url.rpartition("/")
    if "." in last:
        from_url = folder
    here, there = _parts(from_url), _parts(url)
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


def _href(from_url: str, to_url: str) -> str:
    return html.escape(relative_url(to_url or ".", from_url or "."), quote=True)


def entry_list(entries: Sequence[Entry], from_url: str, *, css_class: str) -> str:
    """A ``<ul>`` of links with summaries."""
    items = []
    for e in entries:
        summary = f'<span class="kb-summary">{html.escape(e.summary)}</span>' if e.summary else ""
        note_text = e.note_html or html.escape(e.note)
        note = f' <span class="kb-note">{note_text}</span>' if note_text else ""
        items.append(
            f'<li><a href="{_href(from_url, e.url)}">{html.escape(e.title)}</a>{note}{summary}</li>'
        )
    return f'<ul class="kb-listing {css_class}">' + "".join(items) + "</ul>"


def _block(heading: str, body: str, css_class: str) -> str:
    # Blank lines around raw HTML keep Python-Markdown from wrapping it in <p>.
    return (
        f'\n\n<section class="kb-block {css_class}">'
        f'<h2 class="kb-block__title">{html.escape(heading)}</h2>{body}</section>\n\n'
    )


def section_listing(articles: Sequence[Article], page: Article) -> str:
    """A landing page's list of its section's articles, by title."""
    entries = [Entry.of(a) for a in sorted(articles, key=lambda a: a.title.casefold())]
    noun = "article" if len(entries) == 1 else "articles"
    return _block(
        f"{len(entries)} {noun} in this section",
        entry_list(entries, page.url, css_class="kb-section-listing"),
        "kb-block--section",
    )


def sections_grid(landing_pages: Sequence[tuple[Article, int]], page: Article) -> str:
    """The home page's list of sections with their article counts."""
    entries = [
        Entry(lp.url, lp.title, lp.summary, f"({n} {'article' if n == 1 else 'articles'})")
        for lp, n in landing_pages
    ]
    return _block(
        "Browse by topic",
        entry_list(entries, page.url, css_class="kb-sections"),
        "kb-block--sections",
    )


def related_block(related: Sequence[Article], page: Article) -> str:
    if not related:
        return ""
    return _block(
        "Related articles",
        entry_list([Entry.of(a) for a in related], page.url, css_class="kb-related"),
        "kb-block--related",
    )


def section_sidebar(
    siblings: Sequence[Article], landing: Article | None, page: Article, total: int
) -> str:
    """A bounded list of the section's other articles, with a link to all of them."""
    if not siblings:
        return ""
    body = entry_list(
        [Entry(a.url, a.title) for a in siblings], page.url, css_class="kb-section-more"
    )
    if landing is not None and total > len(siblings):
        body += (
            f'<p class="kb-all"><a href="{_href(page.url, landing.url)}">'
            f"All {total} articles in {html.escape(landing.title)}</a></p>"
        )
    title = f"More in {landing.title}" if landing is not None else "More in this section"
    return _block(title, body, "kb-block--more")


def text_block(heading: str, text_html: str, css_class: str) -> str:
    """A titled paragraph; ``text_html`` is already escaped HTML."""
    return _block(heading, f'<p class="kb-block__text">{text_html}</p>', css_class)


def list_block(heading: str, entries: Sequence[Entry], page: Article, css_class: str) -> str:
    """A titled list, e.g. "Most viewed" or "Recently updated"."""
    if not entries:
        return ""
    return _block(heading, entry_list(entries, page.url, css_class=css_class), css_class)

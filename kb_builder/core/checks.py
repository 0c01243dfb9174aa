"""The checks an author sees, from ``kb check`` and from every build.

Each check reads the whole knowledge base (a link or a duplicate title involves two
files) and returns every problem it finds; the caller decides what fails.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import kb_builder.core.schema as schema
from kb_builder.core.articles import Article
from kb_builder.core.markdown_text import Link, links, prose_lines
from kb_builder.core.placeholders import PLACEHOLDER
from kb_builder.core.problems import Problem, Severity
from kb_builder.core.sanitize import has_markup, unsafe_constructs

__all__ = ["CheckOptions", "check_articles"]

_HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_ALT = re.compile(r"\salt\s*=\s*(\"[^\"]+\"|'[^']+'|[^\s>\"']+)", re.IGNORECASE)


@dataclass(frozen=True)
class CheckOptions:
    """What the checks need to know about the site."""

    extra: Mapping[str, Any] = field(default_factory=dict)
    """``extra:`` from ``mkdocs.yml``: the values placeholders may name."""
    nav_paths: frozenset[str] = frozenset()
    """Files (relative to ``docs/``) that the navigation lists."""
    review_after_days: int = 365
    """``last_reviewed`` older than this is a warning; 0 turns the check off."""
    include_drafts: bool = True
    """Whether drafts are part of the site (``kb serve``) or left out (``kb build``)."""
    today: dt.date = field(default_factory=dt.date.today)
    allowed_hosts: frozenset[str] = frozenset()
    """Hosts an article may load images from (the plugin's ``allowed_hosts``)."""


def check_articles(
    articles: Iterable[Article],
    options: CheckOptions | None = None,
    *,
    other_files: Iterable[str] = (),
) -> list[Problem]:
    """Every problem in ``articles``. ``other_files`` are non-Markdown files under ``docs/``."""
    options = options or CheckOptions()
    articles = list(articles)
    published = {
        a.rel_path: a for a in articles if options.include_drafts or not a.draft or not a.is_article
    }
    problems: list[Problem] = []
    for a in articles:
        problems += _check_front_matter(a)
        if a.front is None:
            continue
        problems += _check_plain_text(a)
        problems += _check_body(a, published, set(other_files), options)
        if a.is_article:
            problems += _check_template_leftovers(a)
            problems += _check_related(a, published)
            problems += _check_placement(a, options)
            problems += _check_review_date(a, options)
    problems += _check_duplicate_titles(a for a in published.values() if a.is_article)
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.path, p.line))


def _check_front_matter(a: Article) -> list[Problem]:
    if a.front_error is not None:
        e = a.front_error
        return [Problem(a.shown_path, e.line, "front matter", e.expected, e.got)]
    assert a.front is not None
    if not a.is_article:
        return schema.validate(a.front, a.shown_path, landing_page=True)
    return schema.validate(a.front, a.shown_path)


_TODO = re.compile(r"\bTODO\b")
_TEMPLATE_LINES = re.compile(
    # The instructions in kb_builder/templates/article.md and in gap drafts (core/gaps.py).
    r"^(?:What the customer sees, in their words, with the exact error text:"
    r"|Paste the exact error message here\."
    r"|\d+\.\s*(?:Open \*cPanel » \.\.\.\*\.|\.\.\.)"
    r"|!!! warning \"Before a destructive step\""
    r"|Say what will be lost and how to take a backup first\..*"
    r"|Customers asked: .*)$"
)
_LEFTOVER = "the article's own text in place of the template's"


def _check_template_leftovers(a: Article) -> list[Problem]:
    """A published article still holding what ``kb new`` or a gap draft wrote for its
    author to replace. Drafts may: they are unfinished by definition."""
    if a.draft or a.front is None:
        return []
    problems = []
    summary = a.meta.get("summary")
    if isinstance(summary, str) and _TODO.search(summary):
        problems.append(
            Problem(a.shown_path, a.front.line_of("summary"), "summary", _LEFTOVER, repr(summary))
        )
    if a.meta.get("keywords") == []:
        problems.append(
            Problem(
                a.shown_path,
                a.front.line_of("keywords"),
                "keywords",
                "the words customers search with, at least one",
                "[]",
            )
        )
    offset = a.body_start - 1
    for number, line in enumerate(a.body.split("\n"), start=1):
        text = line.strip()
        if _TEMPLATE_LINES.match(text) or _TODO.search(text):
            got = repr(text if len(text) <= 80 else text[:79] + "…")
            problems.append(Problem(a.shown_path, offset + number, "template", _LEFTOVER, got))
    return problems


_PLAIN_TEXT_KEYS = ("title", "summary", "keywords", "questions", "tags")
"""Front-matter values shown on pages and in search results as text, never as HTML."""


def _check_plain_text(a: Article) -> list[Problem]:
    assert a.front is not None
    problems = []
    for key in _PLAIN_TEXT_KEYS:
        value = a.front.data.get(key)
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and has_markup(text):
                problems.append(
                    Problem(
                        a.shown_path,
                        a.front.line_of(key),
                        key,
                        "plain text without HTML tags or character references",
                        repr(text[:60] + ("…" if len(text) > 60 else "")),
                    )
                )
    return problems


def _check_related(a: Article, published: Mapping[str, Article]) -> list[Problem]:
    problems = []
    for path in a.related:
        target = published.get(path)
        if target is None or not target.is_article:
            problems.append(
                Problem(
                    a.shown_path,
                    a.front.line_of("related") if a.front else 1,
                    "related",
                    "an article path relative to docs/, e.g. 'email/quota.md'",
                    repr(path),
                )
            )
    return problems


def _check_placement(a: Article, options: CheckOptions) -> list[Problem]:
    if a.section is not None or a.rel_path in options.nav_paths:
        return []
    sections = ", ".join(a.sections)
    return [
        Problem(
            a.shown_path,
            1,
            "section",
            f"an article inside a section folder ({sections}) or listed in the nav",
            f"an orphan at '{a.rel_path}'",
        )
    ]


def _check_review_date(a: Article, options: CheckOptions) -> list[Problem]:
    reviewed = a.last_reviewed
    if reviewed is None or options.review_after_days <= 0:
        return []
    age = (options.today - reviewed).days
    if age <= options.review_after_days:
        return []
    return [
        Problem(
            a.shown_path,
            a.front.line_of("last_reviewed") if a.front else 1,
            "last_reviewed",
            f"a review within the last {options.review_after_days} days",
            f"{reviewed.isoformat()} ({age} days ago)",
            Severity.WARNING,
        )
    ]


def _check_duplicate_titles(articles: Iterable[Article]) -> list[Problem]:
    by_title: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        if a.meta.get("title"):
            by_title[a.title.casefold()].append(a)
    problems = []
    for group in by_title.values():
        if len(group) < 2:
            continue
        for a in group:
            others = ", ".join(o.shown_path for o in group if o is not a)
            problems.append(
                Problem(
                    a.shown_path,
                    a.front.line_of("title") if a.front else 1,
                    "title",
                    "a title no other article uses",
                    f"{a.title!r}, also the title of {others}",
                )
            )
    return problems


def _check_body(
    a: Article,
    published: Mapping[str, Article],
    other_files: set[str],
    options: CheckOptions,
) -> list[Problem]:
    problems = []
    offset = a.body_start - 1

    def add(line: int, key: str, expected: str, got: str) -> None:
        problems.append(Problem(a.shown_path, offset + line, key, expected, got))

    scan = body_scan(a, options.allowed_hosts)
    for line, name, placeholder in scan.placeholders:
        value = options.extra.get(name)
        if value is None or isinstance(value, dict | list):
            known = ", ".join(f"extra.{k}" for k in sorted(options.extra)) or "none configured"
            add(line, "placeholder", f"a key of extra: in mkdocs.yml ({known})", repr(placeholder))

    for line, key, expected, got in scan.markup:
        add(line, key, expected, got)

    for link in scan.links:
        if link.image and not link.text.strip():
            add(link.line, "image", "alt text describing the image", f"none for {link.target!r}")
        problems += [
            Problem(a.shown_path, offset + link.line, key, expected, got)
            for key, expected, got in _check_link_target(a, link.target, published, other_files)
        ]
    return problems


@dataclass(frozen=True)
class BodyScan:
    """What the checks read from one article's body, found once per article text
    (``kb serve`` re-checks after every save, and reuses unchanged articles)."""

    placeholders: list[tuple[int, str, str]]
    """(line, key of extra, the placeholder as written)."""
    markup: list[tuple[int, str, str, str]]
    """(line, key, expected, got) of raw HTML problems: what the sanitiser removes, images."""
    links: list[Link]


_SANITISED = "only HTML the sanitiser keeps"

_SCANS: weakref.WeakKeyDictionary[Article, tuple[frozenset[str], BodyScan]] = (
    weakref.WeakKeyDictionary()
)


def body_scan(a: Article, allowed_hosts: frozenset[str] = frozenset()) -> BodyScan:
    cached = _SCANS.get(a)
    if cached is not None and cached[0] == allowed_hosts:
        return cached[1]
    placeholders = [
        (number, m.group(1), m.group(0))
        for number, line in enumerate(a.body.split("\n"), start=1)
        for m in PLACEHOLDER.finditer(line)
    ]
    markup: list[tuple[int, str, str, str]] = [
        (line, "html", _SANITISED, removed)
        for line, removed in unsafe_constructs(a.body, allowed_hosts=allowed_hosts)
    ]
    for line, text in prose_lines(a.body):
        for img in _HTML_IMG.findall(text):
            if not _HTML_ALT.search(img):
                markup.append(
                    (line, "image", "alt text describing the image", "an <img> without alt")
                )
    scan = BodyScan(placeholders, markup, links(a.body))
    _SCANS[a] = (allowed_hosts, scan)
    return scan


def _check_link_target(
    a: Article, target: str, published: Mapping[str, Article], other_files: set[str]
) -> list[tuple[str, str, str]]:
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("/"):
        return []  # external or absolute: not ours to check
    path, anchor = unquote(parts.path), unquote(parts.fragment)
    if not path:
        dest: Article | None = a
    else:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(a.rel_path), path))
        if resolved.endswith("/") or not posixpath.splitext(resolved)[1]:
            resolved = posixpath.join(resolved, "index.md")
        if not resolved.endswith(".md"):
            if resolved in other_files:
                return []
            return [("link", "an existing file under docs/", repr(target))]
        dest = published.get(resolved)
        if dest is None:
            return [("link", "an existing article", repr(target))]
    if anchor and dest is not None and anchor not in {h.anchor for h in dest.headings}:
        return [("link", f"an anchor that exists in {dest.rel_path}", repr(f"#{anchor}"))]
    return []

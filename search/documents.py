"""The unit of indexing: one published article, as plain text.

The builder (``kb_builder``) turns each Markdown article into a :class:`Document`;
everything under ``search/`` works from these and never imports MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One article, ready to index."""

    path: str
    """Path relative to ``docs/``, e.g. ``email/quota.md``. Unique."""
    url: str
    """Site-relative URL of the rendered page, e.g. ``email/quota/``."""
    title: str
    summary: str
    body: str
    """Plain text of the article body: no Markdown or HTML markup."""
    section: str
    """The section folder, e.g. ``email``."""
    headings: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    """Questions customers ask that the article answers, in their own words."""
    tags: tuple[str, ...] = ()
    audience: str = "both"
    boost: float = 1.0
    """The article's ``search_boost``: multiplies its score."""
    related: tuple[str, ...] = field(default=())
    """Paths (relative to ``docs/``) the author listed in ``related``."""

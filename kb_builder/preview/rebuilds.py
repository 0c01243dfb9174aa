"""``kb serve``: rebuild only what an edit changed.

MkDocs' dirty builds re-render only the pages whose source changed; the pages that list
a changed article (its section's landing page, the home page) are re-rendered too, and
the compiled theme is kept while it is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kb_builder.core.site import Site

__all__ = [
    "ListingSignature",
    "listing_signature",
    "mark_modified",
    "pages_to_refresh",
    "theme_key",
]

ListingSignature = dict[str, tuple[str, str, bool, str | None]]
"""Per article: what listings show of it (title, summary, draft, section)."""


def listing_signature(site: Site) -> ListingSignature:
    return {
        a.rel_path: (a.title, a.summary, a.draft, a.section) for a in site.articles if a.is_article
    }


def pages_to_refresh(previous: ListingSignature | None, current: ListingSignature) -> set[str]:
    """Landing pages (and the home page) whose listings changed since the last build."""
    if previous is None:
        return set()
    changed = {p for p in previous.keys() | current.keys() if previous.get(p) != current.get(p)}
    sections = {sig[3] for p in changed for sig in (previous.get(p), current.get(p)) if sig}
    pages = {f"{s}/index.md" for s in sections if s}
    return pages | {"index.md"} if pages else set()


def mark_modified(files: Iterable[Any], paths: set[str]) -> None:
    """Make MkDocs' dirty build re-render these pages although their source is unchanged."""
    for file in files:
        if file.src_uri in paths:
            file.is_modified = lambda: True


def theme_key(config: Any) -> tuple[Any, ...]:
    """What the compiled templates depend on: theme folders, language, override files."""
    overrides: list[tuple[str, float]] = []
    custom_dir = config.theme.custom_dir
    if custom_dir:
        for path in sorted(Path(custom_dir).rglob("*")):
            if path.is_file():
                overrides.append((str(path), path.stat().st_mtime))
    return (tuple(config.theme.dirs), str(config.theme.locale), tuple(overrides))

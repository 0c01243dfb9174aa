"""The knowledge base as the builder and ``kb check`` see it: articles plus site settings."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb_builder.core import static_files
from kb_builder.core.articles import Article, load_articles, shown_prefix_of, to_documents
from kb_builder.core.checks import CheckOptions, check_articles
from kb_builder.core.problems import Problem
from search.documents import Document

__all__ = ["Site", "nav_paths"]


def nav_paths(nav: Any) -> frozenset[str]:
    """Every Markdown path named in an MkDocs ``nav`` setting."""
    found: set[str] = set()

    def walk(item: Any) -> None:
        if isinstance(item, str):
            if item.endswith(".md"):
                found.add(item)
        elif isinstance(item, Mapping):
            for v in item.values():
                walk(v)
        elif isinstance(item, list):
            for v in item:
                walk(v)

    walk(nav)
    return frozenset(found)


@dataclass
class Site:
    """Articles of one ``docs/`` folder, with what the checks and listings need."""

    docs_dir: Path
    articles: list[Article]
    sections: tuple[str, ...]
    extra: Mapping[str, Any]
    nav: frozenset[str]
    review_after_days: int
    include_drafts: bool
    other_files: tuple[str, ...] = ()
    allowed_hosts: frozenset[str] = frozenset()
    """Hosts articles may load images from (the plugin's ``allowed_hosts``)."""
    trusted_files: frozenset[str] = frozenset()
    """Scripts and stylesheets under ``docs/`` that ``mkdocs.yml`` names: published."""

    @classmethod
    def load(
        cls,
        docs_dir: str | os.PathLike[str],
        *,
        sections: Iterable[str],
        extra: Mapping[str, Any] | None = None,
        nav: Any = None,
        review_after_days: int = 365,
        include_drafts: bool = False,
        previous: Site | None = None,
        allowed_hosts: Iterable[str] = (),
        trusted_files: Iterable[str] = (),
    ) -> Site:
        """Read ``docs_dir``; unchanged articles of ``previous`` are reused as parsed."""
        root = Path(docs_dir)
        sections = tuple(sections)
        others = tuple(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file()
            and p.suffix != ".md"
            and not any(part.startswith(".") for part in p.relative_to(root).parts)
        )
        return cls(
            docs_dir=root,
            articles=load_articles(
                root, sections=sections, reuse=previous.articles if previous else ()
            ),
            sections=sections,
            extra=dict(extra or {}),
            nav=nav_paths(nav),
            review_after_days=review_after_days,
            include_drafts=include_drafts,
            other_files=others,
            allowed_hosts=frozenset(h.lower() for h in allowed_hosts),
            trusted_files=frozenset(str(f) for f in trusted_files),
        )

    @functools.cached_property
    def by_path(self) -> dict[str, Article]:
        return {a.rel_path: a for a in self.articles}

    def published(self) -> list[Article]:
        """Articles and pages that are part of this build."""
        return self._published

    @functools.cached_property
    def _published(self) -> list[Article]:
        return [a for a in self.articles if self.include_drafts or not a.draft]

    def check(self) -> list[Problem]:
        options = CheckOptions(
            extra=self.extra,
            nav_paths=self.nav,
            review_after_days=self.review_after_days,
            include_drafts=self.include_drafts,
            allowed_hosts=self.allowed_hosts,
        )
        problems = check_articles(self.articles, options, other_files=self.published_files)
        problems += static_files.check_files(
            self.docs_dir,
            self.other_files,
            shown_prefix=shown_prefix_of(self.docs_dir),
            trusted=self.trusted_files,
        )
        return sorted(problems, key=lambda p: (p.path, p.line))

    @functools.cached_property
    def published_files(self) -> tuple[str, ...]:
        """The non-Markdown files of ``docs/`` the build publishes (links may point there)."""
        return tuple(
            f
            for f in self.other_files
            if not static_files.refused(f, self.trusted_files, self.docs_dir)
        )

    def landing_page(self, section: str) -> Article | None:
        return self.by_path.get(f"{section}/index.md")

    def section_articles(self, section: str) -> list[Article]:
        """The section's published articles, by title."""
        return self._by_section.get(section, [])

    @functools.cached_property
    def _by_section(self) -> dict[str, list[Article]]:
        # Computed once per build: every article page shows some of its section.
        groups: dict[str, list[Article]] = {}
        for a in self.published():
            if a.is_article and a.section is not None:
                groups.setdefault(a.section, []).append(a)
        for group in groups.values():
            group.sort(key=lambda a: a.title.casefold())
        return groups

    def documents(self) -> list[Document]:
        return to_documents(
            (a for a in self.articles if a.front is not None),
            self.extra,
            include_drafts=self.include_drafts,
        )

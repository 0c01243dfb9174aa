"""The article model: one Markdown file of the knowledge base, with its front matter."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kb_builder.core.frontmatter import FrontMatter, FrontMatterError, split_front_matter
from kb_builder.core.markdown_text import Heading, headings, plain_text
from kb_builder.core.placeholders import fill
from search.documents import Document

__all__ = ["DEFAULT_SECTIONS", "Article", "load_articles", "shown_prefix_of", "to_documents"]

DEFAULT_SECTIONS = ("whm", "cpanel", "email", "hosting", "security", "support")


@dataclass(eq=False)  # identity: one object per file per build, cached per object
class Article:
    """One Markdown file under ``docs/``: an article, a section landing page or another page."""

    rel_path: str
    """Path relative to ``docs/``, with forward slashes: ``email/quota.md``."""
    shown_path: str
    """The path printed in problems: ``docs/email/quota.md``."""
    text: str
    sections: tuple[str, ...] = DEFAULT_SECTIONS

    @functools.cached_property
    def _parsed(self) -> FrontMatter | FrontMatterError:
        try:
            return split_front_matter(self.text)
        except FrontMatterError as e:
            return e

    @property
    def front(self) -> FrontMatter | None:
        parsed = self._parsed
        return parsed if isinstance(parsed, FrontMatter) else None

    @property
    def front_error(self) -> FrontMatterError | None:
        parsed = self._parsed
        return parsed if isinstance(parsed, FrontMatterError) else None

    @property
    def meta(self) -> dict[str, Any]:
        return self.front.data if self.front else {}

    @property
    def body(self) -> str:
        return self.front.body if self.front else self.text

    @property
    def body_start(self) -> int:
        return self.front.body_start if self.front else 1

    # -- where the file stands ------------------------------------------------------------

    @functools.cached_property
    def parts(self) -> tuple[str, ...]:
        return PurePosixPath(self.rel_path).parts

    @functools.cached_property
    def section(self) -> str | None:
        """The section folder, when the file is directly inside one."""
        parts = self.parts
        return parts[0] if len(parts) == 2 and parts[0] in self.sections else None

    @functools.cached_property
    def is_landing_page(self) -> bool:
        return len(self.parts) == 2 and self.parts[1] == "index.md" and self.section is not None

    @functools.cached_property
    def is_home(self) -> bool:
        return self.rel_path == "index.md"

    @functools.cached_property
    def is_article(self) -> bool:
        """Everything but landing pages, the home page and the tags page is an article."""
        return not (self.is_landing_page or self.is_home or self.rel_path == "tags.md")

    @functools.cached_property
    def url(self) -> str:
        """The page's URL relative to the site root (MkDocs' directory URLs)."""
        path = PurePosixPath(self.rel_path)
        if path.name == "index.md":
            parent = str(path.parent)
            return "" if parent == "." else parent + "/"
        return str(path.with_suffix("")) + "/"

    # -- front matter, with the schema's defaults ----------------------------------------

    def _str(self, key: str, default: str = "") -> str:
        value = self.meta.get(key)
        return value.strip() if isinstance(value, str) else default

    def _list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if not isinstance(value, list):
            return ()
        return tuple(str(v).strip() for v in value if isinstance(v, str | int | float))

    @functools.cached_property
    def title(self) -> str:
        return self._str("title") or PurePosixPath(self.rel_path).stem.replace("-", " ").title()

    @functools.cached_property
    def summary(self) -> str:
        return self._str("summary")

    @functools.cached_property
    def tags(self) -> tuple[str, ...]:
        return self._list("tags")

    @functools.cached_property
    def keywords(self) -> tuple[str, ...]:
        return self._list("keywords")

    @functools.cached_property
    def questions(self) -> tuple[str, ...]:
        return self._list("questions")

    @functools.cached_property
    def related(self) -> tuple[str, ...]:
        return self._list("related")

    @functools.cached_property
    def audience(self) -> str:
        return self._str("audience", "both")

    @functools.cached_property
    def draft(self) -> bool:
        return self.meta.get("draft") is True

    @property
    def search_boost(self) -> float:
        value = self.meta.get("search_boost", 1.0)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
        return float(value) if ok else 1.0

    @functools.cached_property
    def applies_to(self) -> str:
        """The product and version the steps were checked against ("cPanel & WHM 130")."""
        return self._str("applies_to")

    @property
    def last_reviewed(self) -> dt.date | None:
        value = self.meta.get("last_reviewed")
        return value if isinstance(value, dt.date) else None

    @functools.cached_property
    def headings(self) -> list[Heading]:
        return headings(self.body)

    def to_document(self, extra: Mapping[str, Any]) -> Document:
        """The article as plain text for the search index."""
        return Document(
            path=self.rel_path,
            url=self.url,
            title=self.title,
            summary=self.summary,
            body=plain_text(fill(self.body, extra)),
            section=self.section or "",
            headings=tuple(fill(h.text, extra) for h in self.headings),
            keywords=self.keywords,
            questions=self.questions,
            tags=self.tags,
            audience=self.audience,
            boost=self.search_boost,
            related=self.related,
        )


def load_articles(
    docs_dir: str | os.PathLike[str],
    *,
    sections: Iterable[str] = DEFAULT_SECTIONS,
    shown_prefix: str | None = None,
    reuse: Iterable[Article] = (),
) -> list[Article]:
    """Every Markdown file under ``docs_dir``, sorted by path.

    Articles in ``reuse`` whose text is unchanged are returned as they are, with what they
    already parsed (``kb serve`` rebuilds after every save).
    """
    root = Path(docs_dir)
    if shown_prefix is None:
        shown_prefix = shown_prefix_of(root)
    sections = tuple(sections)
    previous = {(a.rel_path, a.text): a for a in reuse}
    articles = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in PurePosixPath(rel).parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        shown = f"{shown_prefix}{rel}"
        same = previous.get((rel, text))
        if same is not None and same.shown_path == shown and same.sections == sections:
            articles.append(same)
        else:
            articles.append(Article(rel, shown, text, sections))
    return articles


def shown_prefix_of(root: Path) -> str:
    """What problems print before a path under ``root``: ``docs/`` from the project."""
    try:
        rel = os.path.relpath(root.resolve(), Path.cwd())
    except ValueError:  # another drive on Windows
        rel = str(root.resolve())
    return "" if rel == "." else Path(rel).as_posix().rstrip("/") + "/"


def to_documents(
    articles: Iterable[Article], extra: Mapping[str, Any], *, include_drafts: bool = False
) -> list[Document]:
    """The published articles (not landing pages) as search documents."""
    return [
        a.to_document(extra)
        for a in articles
        if a.is_article and a.front is not None and (include_drafts or not a.draft)
    ]

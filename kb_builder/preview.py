"""``kb serve``: rebuild only what an edit changed.

MkDocs' dirty builds re-render only the pages whose source changed; this module keeps
the rest of a preview rebuild just as small: the preview index is patched with the
changed articles only (in a thread, after the pages are written), related articles are
computed for the pages being rendered, and
the pages that list a changed article (its section's landing page, the home page) are
re-rendered too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import search
from kb_builder.core.site import Site
from kb_builder.indexing import index_write_problem
from search.documents import Document

__all__ = ["ListingSignature", "PreviewIndex", "pages_to_refresh"]

log = logging.getLogger(__name__)

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


class PreviewIndex:
    """The preview's index, patched (atomically) after each edit."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._kb: search.KnowledgeBase | None = None
        self._documents: dict[tuple[str, str], Document] = {}
        self._patching: threading.Thread | None = None
        self.updated_for: Site | None = None
        """The site the index was last updated (or is being updated) from."""

    def documents(self, site: Site) -> list[Document]:
        """The site's documents, converting only the articles whose text changed."""
        cache: dict[tuple[str, str], Document] = {}
        docs = []
        for a in site.articles:
            if not a.is_article or a.front is None:
                continue
            key = (a.rel_path, a.text)
            doc = self._documents.get(key) or a.to_document(site.extra)
            cache[key] = doc
            docs.append(doc)
        self._documents = cache
        return docs

    def update(self, site: Site) -> None:
        """Index ``site`` now: the first preview build, whose pages need related articles.

        Raises:
            OSError: the index cannot be written.
        """
        self.wait()
        self.updated_for = site
        self._patch(site)

    def update_in_background(self, site: Site) -> None:
        """Patch the index with what changed, in a thread, once the pages are written.

        (Patching while the pages render held the page up by as much as it sped search
        up: under ``kb serve`` the API answers slowly while a build holds the interpreter.)
        The API answers from the previous generation until the new one is open. Pages
        rendered meanwhile take their related articles from the previous generation (one
        edit barely moves them).
        """
        self.wait()
        self.updated_for = site
        self._patching = threading.Thread(
            target=self._patch_logged, args=(site,), name="kb-preview-index", daemon=True
        )
        self._patching.start()

    def wait(self) -> None:
        """Wait for a patch under way (the next one starts from its result)."""
        if self._patching is not None:
            self._patching.join()
            self._patching = None

    def _patch(self, site: Site) -> None:
        started = time.perf_counter()
        self.index_dir.parent.mkdir(parents=True, exist_ok=True)
        documents = self.documents(site)
        converted = time.perf_counter()
        report = search.build_index(documents, self.index_dir)
        written = time.perf_counter()
        if self._kb is None:
            # Shared with the API that `kb serve` mounts: warming it here serves both.
            self._kb = search.get_knowledge_base(self.index_dir)
        else:
            self._kb.warm()  # opens the new generation, its speller derived from the last
        log.debug(
            "preview index updated in %.2f s (documents %.2f s, index %.2f s, open %.2f s): %s",
            time.perf_counter() - started,
            converted - started,
            written - converted,
            time.perf_counter() - written,
            dict(report),
        )

    def _patch_logged(self, site: Site) -> None:
        try:
            self._patch(site)
        except OSError as e:
            problem = index_write_problem(self.index_dir, e)
            log.error("%s; search shows the previous version", problem)
        except Exception:
            log.exception("Cannot update the preview's search index")

    def related(self, path: str, *, limit: int) -> list[str]:
        return self._kb.related(path, limit=limit) if self._kb is not None else []


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

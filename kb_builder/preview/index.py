"""The preview's search index, patched with the changed articles only (in a thread,
after the pages are written). Drafts are left out: a draft must never rank above the
published article that already answers a question."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import search
from kb_builder.core.site import Site
from kb_builder.indexing import index_write_problem
from search.documents import Document

__all__ = ["PreviewIndex"]

log = logging.getLogger(__name__)


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
        """The site's published documents (no drafts), converting only the articles whose
        text changed."""
        cache: dict[tuple[str, str], Document] = {}
        docs = []
        for a in site.articles:
            if not a.is_article or a.front is None or a.draft:
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
        if not documents:
            # Only drafts so far: an index of no documents cannot be opened (Whoosh's
            # empty reader has no columns), so search waits for the first published one.
            log.info("no published article yet: the preview's search is empty")
            return
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

"""The index worker's job: the site's search documents, the index, every related list.

``kb build`` runs :func:`index_site` in a second process while the pages render (see
:mod:`kb_builder.indexing`, which stages and publishes what it builds); with no MkDocs
build running it is one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import search
from search.documents import Document

__all__ = ["DocumentSource", "index_site"]


@dataclass(frozen=True)
class DocumentSource:
    """Where the index worker reads the published articles from.

    The worker turns the Markdown into search documents itself, so the process that
    renders pages does not spend a second on it (and sends a few paths, not megabytes).
    """

    docs_dir: str
    sections: tuple[str, ...]
    extra: dict[str, Any]

    def __call__(self) -> list[Document]:
        from kb_builder.core.site import Site

        return Site.load(self.docs_dir, sections=self.sections, extra=self.extra).documents()


def index_site(
    source: DocumentSource | Sequence[Document],
    index_dir: Path,
    *,
    reuse_from: Path | None = None,
    related_limit: int,
    name: str | None = None,
) -> dict[str, list[str]]:
    """Write a new index generation into ``index_dir`` (which must not exist; unchanged
    documents are copied from ``reuse_from``) and return the related articles of every
    document in it, nearest first. ``name`` is the generation's reported name."""
    documents = source() if callable(source) else source
    search.write_generation(documents, index_dir, reuse_from=reuse_from, name=name)
    kb = search.open_index(index_dir)
    try:
        return kb.related_all(limit=related_limit)
    finally:
        kb.close()

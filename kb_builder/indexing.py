"""Build the search index beside the site, and publish both together.

The index is built into a staging name (``.kb/index.staging``) while the pages render, and
renamed over the live name only once the whole build has succeeded, so a failed build
leaves the last good site *and* index in place.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import search
from search.documents import Document

__all__ = ["StagedIndex"]

log = logging.getLogger(__name__)


class StagedIndex:
    """A freshly built index generation, not yet visible to readers."""

    def __init__(self, index_dir: Path, documents: Sequence[Document]) -> None:
        self.index_dir = index_dir
        self.staging = index_dir.with_name(index_dir.name + ".staging")
        self.documents = documents
        search.build_index(documents, self.staging)
        self._kb = search.open_index(self.staging)

    def related(self, path: str, *, limit: int) -> list[str]:
        """Nearest articles by content, from the staged index."""
        return self._kb.related(path, limit=limit)

    def commit(self) -> None:
        """Point the live name at the staged generation (one atomic rename of a symlink)."""
        self.close()
        os.replace(self.staging, self.index_dir)
        log.debug("Search index published at %s", self.index_dir)

    def discard(self) -> None:
        self.close()
        if self.staging.is_symlink():
            self.staging.unlink()

    def close(self) -> None:
        close = getattr(self._kb, "close", None)
        if close is not None:
            close()

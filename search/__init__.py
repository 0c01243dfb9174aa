"""Hosting-aware search of the knowledge base.

Build an index from :class:`Document` objects, open it, query it::

    import search

    search.build_index(documents, ".kb/index")
    kb = search.open_index(".kb/index")
    results = kb.query("mail comes back 550 5.1.1")
    results.did_you_mean, [h.path for h in results.hits], results.facets

Everything that touches Whoosh lives in this package; nothing here imports MkDocs.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from search.documents import Document
from search.errors import IndexNotFound, SearchError

if TYPE_CHECKING:
    from search.indexing import BuildReport, build_index, write_generation
    from search.knowledge_base import KnowledgeBase, open_index
    from search.results import Hit, SearchResults

# Whoosh, NumPy and the spelling dictionary load on first use: the page-rendering side of
# `kb build` only needs `search.Document`.
_LAZY = {
    "BuildReport": "search.indexing",
    "build_index": "search.indexing",
    "write_generation": "search.indexing",
    "KnowledgeBase": "search.knowledge_base",
    "open_index": "search.knowledge_base",
    "Hit": "search.results",
    "SearchResults": "search.results",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "DEFAULT_INDEX_DIR",
    "BuildReport",
    "Document",
    "Hit",
    "IndexNotFound",
    "KnowledgeBase",
    "SearchError",
    "SearchResults",
    "build_index",
    "default_index_dir",
    "get_knowledge_base",
    "open_index",
    "write_generation",
]

#: Where the index lives when neither an argument nor ``KB_INDEX_DIR`` says otherwise.
DEFAULT_INDEX_DIR = ".kb/index"

_open: dict[Path, KnowledgeBase] = {}
_open_lock = threading.Lock()


def default_index_dir() -> Path:
    """``$KB_INDEX_DIR``, or :data:`DEFAULT_INDEX_DIR`."""
    return Path(os.environ.get("KB_INDEX_DIR") or DEFAULT_INDEX_DIR)


def get_knowledge_base(index_dir: str | Path | None = None) -> KnowledgeBase:
    """The process-wide :class:`KnowledgeBase` for ``index_dir``, opened once.

    Raises :class:`IndexNotFound` if there is no index there.
    """
    path = Path(index_dir) if index_dir is not None else default_index_dir()
    key = path.absolute()
    kb = _open.get(key)
    if kb is None:
        with _open_lock:
            kb = _open.get(key)
            if kb is None:
                from search.knowledge_base import open_index

                kb = _open[key] = open_index(path)
    return kb

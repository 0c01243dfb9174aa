"""The search index as the API sees it: one read-only handle per process.

The handle is opened on first use (so each worker process of a multi-worker server opens
its own); the ``KnowledgeBase`` follows ``kb build``'s swaps of the ``index_dir`` symlink,
opening the new generation in a thread while the old one keeps answering.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from kb_api.errors import ApiError

__all__ = ["IndexHandle"]

log = logging.getLogger(__name__)


class IndexHandle:
    """The process-wide ``KnowledgeBase`` for ``index_dir``, opened on first use.

    It follows the swaps of ``kb build`` by itself (and keeps answering from the
    generation it has if a new one cannot be opened); this handle only turns "there is
    no index yet" into a 503 and retries until there is one.
    """

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._kb: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        """The open ``KnowledgeBase``.

        Raises:
            ApiError: 503 when there is no usable index (run ``kb build`` first).
        """
        if self._kb is not None:
            return self._kb
        with self._lock:
            if self._kb is None:
                import search

                try:
                    kb = search.get_knowledge_base(self.index_dir)
                except (OSError, search.SearchError) as e:
                    log.error("search index unavailable at %s: %s", self.index_dir, e)
                    raise ApiError(
                        503,
                        "the search index is not available; build the site first",
                        code="index_unavailable",
                    ) from e
                # A swap must not stall the requests of the moment (search runs on the
                # event loop): the open generation answers while the next one warms.
                kb.background_swaps = True
                self._kb = kb
            return self._kb

    def opened(self) -> Any:
        """The ``KnowledgeBase`` if this process has opened it already, else ``None``
        (never tries to open it: for probes that must stay cheap)."""
        return self._kb

    def available(self) -> bool:
        """Whether an index can be opened now."""
        try:
            self.get()
        except ApiError:
            return False
        return True

"""The search index as the API sees it: one read-only handle per process.

The handle is opened on first use (so each worker process of a multi-worker server opens
its own) and reopened when ``kb build`` swaps a new index generation in, i.e. when the
``index_dir`` symlink points somewhere new.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from kb_api.errors import ApiError

__all__ = ["IndexHandle"]

log = logging.getLogger(__name__)


class IndexHandle:
    """Opens ``search.open_index(index_dir)`` lazily and follows index swaps."""

    check_interval = 1.0
    """Seconds between checks of where the index symlink points."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._kb: Any = None
        self._target: str | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def _resolve(self) -> str:
        return os.path.realpath(self.index_dir)

    def get(self) -> Any:
        """The open ``KnowledgeBase``.

        Raises:
            ApiError: 503 when there is no usable index (run ``kb build`` first).
        """
        now = time.monotonic()
        kb = self._kb
        if kb is not None and now - self._checked < self.check_interval:
            return kb
        with self._lock:
            self._checked = now
            target = self._resolve()
            if self._kb is not None and target == self._target:
                return self._kb
            import search

            try:
                # The process-wide handle: it follows swaps by itself, and under `kb serve`
                # the preview warms it after each rebuild.
                new_kb = search.get_knowledge_base(self.index_dir)
            except (OSError, search.SearchError) as e:
                log.error("search index unavailable at %s: %s", self.index_dir, e)
                if self._kb is not None:
                    return self._kb  # keep answering from the generation we have
                raise ApiError(
                    503,
                    "the search index is not available; build the site first",
                    code="index_unavailable",
                ) from e
            old, self._kb, self._target = self._kb, new_kb, target
            if old is not None and old is not new_kb:
                log.info("search index swapped: now %s", target)
                close = getattr(old, "close", None)
                if callable(close):
                    close()
            return new_kb

    def available(self) -> bool:
        """Whether an index can be opened now."""
        try:
            self.get()
        except ApiError:
            return False
        return True

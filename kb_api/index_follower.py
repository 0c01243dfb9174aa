"""``kb api --index-from SOURCE``: keep this host's index at the newest verified release.

A thread in the serving process (the supervisor, with several workers) asks the release
location for its newest release every ``interval`` seconds, downloads and verifies its
index (:func:`kb_builder.release.fetch_index`) and swaps ``KB_INDEX_DIR`` to it. The
workers' ``KnowledgeBase`` follows the swap and keeps answering from the release it has
open until the new one is open and warm. A failed fetch is logged and retried at the next
poll; the index already installed keeps serving.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from kb_builder.release import ReleaseError, fetch_index, release_key

__all__ = ["IndexFollower"]

log = logging.getLogger(__name__)


class IndexFollower:
    """Polls ``source`` and installs each new release's index at ``index_dir``."""

    def __init__(self, source: str, index_dir: Path, *, interval: float) -> None:
        self.source = source
        self.index_dir = Path(index_dir)
        self.interval = interval
        self.key = release_key()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sync(self) -> str | None:
        """Fetch the newest release now; the id installed, or None (none new, or failed)."""
        try:
            return fetch_index(self.source, self.index_dir, key=self.key)
        except (ReleaseError, OSError) as e:
            log.error("index from %s: %s; still serving the installed index", self.source, e)
            return None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kb-index-follower", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sync()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

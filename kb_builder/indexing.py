"""The index worker of a build: the search index and related articles, in a second process.

The index is written into the build's release (``.kb/releases/.staging-<id>/index``)
while the pages render; :mod:`kb_builder.publish` publishes it with the site. ``kb build``
indexes in a second process, so both cores work: one renders pages, the other indexes
and computes related articles.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from mkdocs.exceptions import PluginError

from kb_builder.core.index import DocumentSource, index_site
from search.documents import Document

__all__ = ["StagedIndex"]

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def _stage(
    source: DocumentSource | Sequence[Document],
    target: Path,
    live: Path,
    related_limit: int,
    name: str,
) -> dict[str, list[str]]:
    """Write the build's index into ``target`` (reusing the live one's unchanged documents)."""
    return index_site(source, target, reuse_from=live, related_limit=related_limit, name=name)


def _die_with_parent(parent_pid: int) -> None:
    """The worker's initializer: a build killed with SIGKILL leaves no orphan behind."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the build died while this process was starting
        os._exit(1)


def index_write_problem(index_dir: Path, error: OSError) -> str:
    """Why the index cannot be written (read-only, disk full), in an author's terms."""
    return f"Cannot write the search index in {index_dir.parent}: {error.strerror or error}"


def index_write_error(index_dir: Path, error: OSError) -> PluginError:
    """What ``kb build`` stops with when the index cannot be written."""
    return PluginError(
        f"{index_write_problem(index_dir, error)}; the previous site and index are kept"
    )


class StagedIndex:
    """The index of a build being written into its release, not yet visible to readers."""

    def __init__(
        self,
        target: Path,
        documents: DocumentSource | Sequence[Document],
        *,
        live: Path,
        name: str,
        related_limit: int,
        background: bool,
    ) -> None:
        """
        Args:
            target: The release's index directory (must not exist).
            live: The published index, whose unchanged documents are reused.
            name: The generation's name (the release id).
        """
        self.index_dir = live
        self.staging = target
        args = (documents, target, live, related_limit, name)
        self._pool: ProcessPoolExecutor | None = None
        self._related: dict[str, list[str]] | None = None
        self._future: Future[dict[str, list[str]]] | None = None
        if background:
            # spawn, not fork: the parent may run threads (MkDocs' server, loggers).
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )
            self._future = self._pool.submit(_stage, *args)
        else:
            try:
                self._related = _stage(*args)
            except OSError as e:
                raise index_write_error(live, e) from e

    def related_ready(self) -> bool:
        """Whether :meth:`related` answers without waiting for the background build."""
        return self._related is not None or (self._future is not None and self._future.done())

    def related(self) -> dict[str, list[str]]:
        """Related articles of every document; waits for the background build."""
        if self._related is None:
            assert self._future is not None
            try:
                self._related = self._future.result()
            except OSError as e:
                raise index_write_error(self.index_dir, e) from e
            finally:
                self._shutdown_pool()
        return self._related

    def discard(self) -> None:
        """Stop the worker (the release's folder is removed with the release)."""
        if self._future is not None and not self._future.done():
            self._future.cancel()
        self._shutdown_pool()

    def _shutdown_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

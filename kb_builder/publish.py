"""Publishing a build: its site and its index as one release, in one step.

A build writes into ``.kb/releases/.staging-<id>/`` (``site/`` from MkDocs, ``index/``
from the index worker). Once the build has succeeded and passed ``kb verify``, the
staging directory gets its manifest (a SHA-256 of every file) and its final name, and
``.kb/releases/current`` is pointed at it with one rename of a symbolic link. That rename
is the only step that publishes; the names readers use go through it::

    site        -> .kb/releases/current/site
    .kb/index   -> releases/current/index
    .kb/releases/current -> <id>

so a reader (nginx, ``kb api``) sees the old site with the old index or the new site
with the new index, and a build killed at any point leaves the last release whole.

One build at a time per project: :class:`ReleaseBuild` holds an exclusive lock
(``.kb/build.lock``) from the start of the build until it has published or given up;
a second build waits for it, saying so.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
from pathlib import Path
from typing import IO

from kb_builder import output
from kb_builder.release import KEEP_RELEASES, RELEASE_ID, new_release_id, write_manifest

__all__ = ["BuildLock", "ReleaseBuild", "current_release"]

log = logging.getLogger(__name__)

RELEASES = "releases"
CURRENT = "current"
LOCK_FILE = "build.lock"
_STAGING_PREFIX = ".staging-"


class BuildLock:
    """An exclusive lock on a project's ``.kb`` folder, for one build."""

    def __init__(self, kb_dir: Path) -> None:
        self.path = kb_dir / LOCK_FILE
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock; if another build holds it, log that and wait for it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = self.path.open("a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                f.close()
                raise
            f.seek(0)
            holder = f.read().strip() or "unknown"
            log.warning(
                "Another kb build is running in %s (process %s); waiting for it to finish",
                self.path.parent,
                holder,
            )
            fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        f.truncate()
        f.write(f"{os.getpid()}\n")
        f.flush()
        self._file = f

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.truncate(0)
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def current_release(kb_dir: Path) -> Path | None:
    """The directory of the published release of the project whose ``.kb`` is ``kb_dir``."""
    link = kb_dir / RELEASES / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = link.parent / target
    return path if RELEASE_ID.match(path.name) and path.is_dir() else None


class ReleaseBuild:
    """The release one build writes, and its publication.

    Args:
        kb_dir: The project's ``.kb`` folder (where the index link and releases live).
        site_dir: The published site's name (``site``), or None when the build writes
            its pages in place (the plugin's ``atomic: false``): the release then holds
            the index alone.
        index_link: The index's name (``.kb/index``), or None when no index is built.
    """

    def __init__(self, kb_dir: Path, *, site_dir: Path | None, index_link: Path | None) -> None:
        self.kb_dir = kb_dir
        self.releases = kb_dir / RELEASES
        self.site_link = site_dir
        self.index_link = index_link
        self.lock = BuildLock(kb_dir)
        self.lock.acquire()
        try:
            self._remove_stale()
            self.id = new_release_id()
            self.staging = self.releases / f"{_STAGING_PREFIX}{self.id}"
            self.staging.mkdir(parents=True)
            self.site_dir = self.staging / "site"
            self.index_dir = self.staging / "index"
            self.site_dir.mkdir()
        except BaseException:
            self.lock.release()
            raise

    def _remove_stale(self) -> None:
        """What a killed build left behind (we hold the lock: no build is running)."""
        if self.releases.is_dir():
            for stale in self.releases.glob(f"{_STAGING_PREFIX}*"):
                shutil.rmtree(stale, ignore_errors=True)
        if self.site_link is not None:
            output.recover(self.site_link)
            output.remove_stale_staging(self.site_link)
        # Left by versions that staged the index beside its link.
        if self.index_link is not None:
            staging = self.index_link.with_name(self.index_link.name + ".staging")
            if staging.is_symlink():
                staging.unlink()

    def publish(self) -> Path:
        """Checksum the release, name it, and make it the current one. Returns its folder."""
        try:
            if not self.index_dir.exists() and self.index_link is not None:
                raise RuntimeError("the index of this build was not written")
            write_manifest(self.staging, self.id)
            final = self.releases / self.id
            os.rename(self.staging, final)
            # The one step that publishes: site and index change together.
            output.point_link(self.releases / CURRENT, Path(self.id))
            current = Path(os.path.realpath(self.releases)) / CURRENT
            if self.site_link is not None:
                output.point_link(self.site_link, current / "site")
            if self.index_link is not None:
                output.point_link(self.index_link, current / "index")
                _remove_old_generations(self.index_link)
            self._prune()
            log.debug("release %s published", self.id)
            return final
        finally:
            self.lock.release()

    def discard(self) -> None:
        """Drop what this build wrote; the published release stays as it was."""
        try:
            shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self.lock.release()

    def _prune(self) -> None:
        ids = sorted(p.name for p in self.releases.iterdir() if RELEASE_ID.match(p.name))
        for name in ids[:-KEEP_RELEASES]:
            if name != self.id:
                shutil.rmtree(self.releases / name, ignore_errors=True)


def _remove_old_generations(index_link: Path) -> None:
    """Generations of versions that swapped ``.kb/index`` itself: nothing points to them
    once it goes through the release (a server that has one open keeps its files)."""
    for old in index_link.parent.glob(f"{index_link.name}.gen-*"):
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)

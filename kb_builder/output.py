"""Switching a published name to new content in one step, so readers never see half of it.

:func:`point_link` makes a name a symbolic link to new content in one rename; it is how
:mod:`kb_builder.publish` publishes a release (``site``, ``.kb/index`` and
``.kb/releases/current`` are links). A name that is still a real directory, as ``site/``
was before releases, is exchanged for the link with ``renameat2(RENAME_EXCHANGE)`` on
Linux (elsewhere two renames, and :func:`recover` puts the old directory back if a crash
fell between them); the old directory is deleted in the background.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

__all__ = ["point_link", "recover", "remove_stale_staging", "replace_dir"]

log = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_STAGING_PREFIX = ".staging-"
_TRASH_PREFIX = ".trash-"
_OLD_SUFFIX = ".previous"


def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is not None:
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        fn.restype = ctypes.c_int
    return fn


def remove_stale_staging(final: Path) -> None:
    """Delete old outputs of ``final`` whose deletion did not finish, and the staging
    directories of versions that built the site beside it."""
    if not final.parent.is_dir():
        return
    for prefix in (_STAGING_PREFIX, _TRASH_PREFIX):
        for stale in final.parent.glob(f"{prefix}{final.name}-*"):
            shutil.rmtree(stale, ignore_errors=True)


def _delete_later(old: Path, final: Path) -> None:
    """Delete the replaced output in a detached process, so the build need not wait.

    Deleting thousands of pages took a second at 2,000 articles. The directory is
    renamed first, so a leftover never looks like a staging directory; the next build
    deletes it if the deleting process did not finish.
    """
    trash = Path(tempfile.mkdtemp(prefix=f"{_TRASH_PREFIX}{final.name}-", dir=final.parent))
    try:
        os.replace(old, trash)  # replaces the empty directory mkdtemp made
        # The shell starts rm in the background and exits at once: nothing to wait for,
        # and rm belongs to no one once we are gone.
        subprocess.run(
            ["sh", "-c", 'rm -rf -- "$1" >/dev/null 2>&1 &', "sh", str(trash)],
            stdin=subprocess.DEVNULL,
            check=True,
            start_new_session=True,
        )
    except (OSError, subprocess.CalledProcessError) as e:
        log.debug("deleting %s now: %s", old, e)
        shutil.rmtree(old if old.exists() else trash, ignore_errors=True)


def recover(final: Path) -> None:
    """If a crash fell between the two renames of the fallback swap, restore the old output."""
    previous = final.with_name(final.name + _OLD_SUFFIX)
    if previous.is_dir() and not final.exists():
        os.replace(previous, final)
        log.warning("Restored %s from an interrupted build", final)
    elif previous.is_dir():
        shutil.rmtree(previous, ignore_errors=True)


def replace_dir(staging: Path, final: Path) -> None:
    """Make ``staging`` the new ``final``; the old ``final`` is deleted afterwards."""
    if not final.exists():
        os.replace(staging, final)
        return
    fn = _renameat2()
    if fn is not None:
        rc = fn(_AT_FDCWD, os.fsencode(staging), _AT_FDCWD, os.fsencode(final), _RENAME_EXCHANGE)
        if rc == 0:
            _delete_later(staging, final)  # staging now holds the old output
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(err, os.strerror(err), str(final))
    previous = final.with_name(final.name + _OLD_SUFFIX)
    shutil.rmtree(previous, ignore_errors=True)
    os.replace(final, previous)
    os.replace(staging, final)
    shutil.rmtree(previous, ignore_errors=True)


def point_link(link: Path, target: Path) -> None:
    """Make ``link`` a symbolic link to ``target`` in one rename.

    The link is relative, so a project folder can be moved; an absolute ``target`` must
    have no symbolic link in its folders, except in its last two names (those are what
    the link goes through). If ``link`` is a real directory (a site published before
    releases), the link takes its place in one exchange and the directory is deleted
    afterwards.
    """
    link.parent.mkdir(parents=True, exist_ok=True)
    if target.is_absolute():
        try:
            value = os.path.relpath(target, os.path.realpath(link.parent))
        except ValueError:
            value = str(target)
    else:
        value = str(target)
    if link.is_symlink() and os.readlink(link) == value:
        return
    tmp = link.with_name(f".{link.name}.link-{uuid.uuid4().hex[:8]}")
    os.symlink(value, tmp)
    try:
        if link.is_dir() and not link.is_symlink():
            replace_dir(tmp, link)
        else:
            os.replace(tmp, link)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

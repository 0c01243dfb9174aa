"""Releases: one build's site and search index, versioned and checksummed.

A release directory (``.kb/releases/<id>/`` on the build host) holds::

    manifest.json   {"format", "release", "created", "files": {path: {"sha256", "size"}}}
    site/           the built pages
    index/          the search index (one Whoosh generation)

Release ids sort by time (``20260101T120000Z-1a2b3c4d``). The manifest lists every file
of ``site/`` and ``index/`` with its SHA-256; :func:`verify_release` checks them all, and
refuses a file the manifest does not list (Whoosh would load a stray table of contents,
and it is a pickle).

A *release location* is where releases are pushed to (``kb release push DEST``) and
fetched from (``kb api --index-from SOURCE``): a directory or an ``http(s)://`` URL that
answers GET and accepts PUT, as object stores do. Its layout::

    LATEST                          the newest release id, written last
    releases/<id>/manifest.json     written after the files it lists
    releases/<id>/<path>            each file of the manifest

``KB_RELEASE_KEY``, when set on the build host and the API hosts, signs each pushed
manifest (HMAC-SHA256, ``manifest.json.sig``) and makes fetching refuse an unsigned or
wrongly signed one, so a release location writable by others cannot hand an API host an
index of its own. ``KB_RELEASE_TOKEN`` is sent as ``Authorization: Bearer`` to an HTTP
location. Nothing here imports MkDocs, Whoosh or the API.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import re
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from kb_builder.output import point_link

__all__ = [
    "MANIFEST",
    "FileEntry",
    "Location",
    "Manifest",
    "ReleaseError",
    "fetch_index",
    "new_release_id",
    "open_location",
    "push",
    "release_key",
    "verify_release",
    "write_manifest",
]

log = logging.getLogger(__name__)

FORMAT = "kb-release/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
LATEST = "LATEST"
PARTS = ("site", "index")
RELEASE_ID = re.compile(r"^\d{8}T\d{6}(?:\d{6})?Z-[0-9a-f]{8}$")
#: A manifest larger than this is refused unread (2,000 articles make ~1 MB).
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
KEEP_RELEASES = 3
"""Releases kept on a host: the current one and the two before it (a server may still
have the previous one open while it warms the new one)."""
_CHUNK = 1024 * 1024
_TIMEOUT = 60.0


class ReleaseError(RuntimeError):
    """A release is incomplete, altered or cannot be read or written; says which file."""


def new_release_id() -> str:
    """A fresh release id: UTC time, then 8 random hex digits (ids sort by time)."""
    # Microseconds, so that ids sort in build order even for builds in the same second
    # (the newest releases are kept by that order).
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f"{int(now % 1 * 1e6):06d}"
    return f"{stamp}Z-{uuid.uuid4().hex[:8]}"


def release_key(environ: dict[str, str] | None = None) -> bytes | None:
    """``KB_RELEASE_KEY`` as bytes, or None when it is unset."""
    value = (os.environ if environ is None else environ).get("KB_RELEASE_KEY", "").strip()
    return value.encode() if value else None


def _auth_headers() -> dict[str, str]:
    token = os.environ.get("KB_RELEASE_TOKEN", "").strip()
    return {"Authorization": f"Bearer {token}"} if token else {}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """What a release holds: its id, when it was made, and every file's checksum."""

    release: str
    created: str
    files: dict[str, FileEntry]

    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT,
            "release": self.release,
            "created": self.created,
            "files": {p: {"sha256": e.sha256, "size": e.size} for p, e in self.files.items()},
        }
        return json.dumps(data, indent=1, sort_keys=True).encode()

    def part(self, name: str) -> dict[str, FileEntry]:
        """The files of ``site`` or ``index``."""
        return {p: e for p, e in self.files.items() if p.startswith(name + "/")}

    @classmethod
    def parse(cls, data: bytes, *, where: str) -> Manifest:
        """Read a manifest (JSON only), checking its shape and every path in it."""
        try:
            raw = json.loads(data)
        except ValueError as e:
            raise ReleaseError(f"{where}: the manifest is not JSON: {e}") from e
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ReleaseError(f"{where}: expected a manifest of format {FORMAT!r}")
        release, created, files = raw.get("release"), raw.get("created"), raw.get("files")
        if not isinstance(release, str) or not RELEASE_ID.match(release):
            raise ReleaseError(f"{where}: expected a release id, got {release!r}")
        if not isinstance(created, str) or not isinstance(files, dict):
            raise ReleaseError(f"{where}: expected 'created' and 'files' in the manifest")
        entries: dict[str, FileEntry] = {}
        for path, entry in files.items():
            _check_path(path, where)
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("sha256"), str)
                or not re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
                or not isinstance(entry.get("size"), int)
                or entry["size"] < 0
            ):
                raise ReleaseError(f"{where}: expected a sha256 and a size for {path!r}")
            entries[path] = FileEntry(entry["sha256"], entry["size"])
        return cls(release, created, entries)


def _check_path(path: object, where: str) -> None:
    """A manifest path is relative, inside ``site/`` or ``index/``, and goes nowhere else."""
    if not isinstance(path, str) or "\\" in path or "\0" in path:
        raise ReleaseError(f"{where}: refusing the path {path!r}")
    parts = PurePosixPath(path).parts
    if (
        path.startswith("/")
        or len(parts) < 2
        or parts[0] not in PARTS
        or any(p in ("", ".", "..") for p in path.split("/"))
    ):
        raise ReleaseError(f"{where}: refusing the path {path!r}")


def _walk(release_dir: Path, parts: tuple[str, ...]) -> Iterator[tuple[str, Path]]:
    for part in parts:
        base = release_dir / part
        if not base.exists():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                yield path.relative_to(release_dir).as_posix(), path


def write_manifest(release_dir: Path, release_id: str) -> Manifest:
    """Checksum every file of ``release_dir``'s site and index into its manifest."""
    files = {
        rel: FileEntry(sha256_file(path), path.stat().st_size)
        for rel, path in _walk(release_dir, PARTS)
    }
    manifest = Manifest(release_id, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), files)
    _write_atomically(release_dir / MANIFEST, manifest.to_bytes())
    return manifest


def verify_release(
    release_dir: Path, *, parts: tuple[str, ...] = PARTS, key: bytes | None = None
) -> Manifest:
    """Check that ``release_dir`` holds exactly what its manifest lists, byte for byte.

    Only ``parts`` (``site``, ``index``) are checked: an API host fetches the index
    alone. With ``key``, the manifest's signature must match it.

    Raises:
        ReleaseError: naming the first file that is missing, altered or not listed.
    """
    where = f"release {release_dir.name}"
    try:
        data = (release_dir / MANIFEST).read_bytes()
    except OSError as e:
        raise ReleaseError(f"{where}: no readable {MANIFEST}: {e.strerror or e}") from e
    if key is not None:
        _check_signature(data, _read_optional(release_dir / SIGNATURE), key, where)
    manifest = Manifest.parse(data, where=where)
    if manifest.release != release_dir.name and not release_dir.name.startswith("."):
        raise ReleaseError(f"{where}: its manifest names release {manifest.release}")
    wanted = {p: e for p, e in manifest.files.items() if p.split("/", 1)[0] in parts}
    for rel, path in _walk(release_dir, parts):
        if rel not in wanted:
            raise ReleaseError(f"{where}: {rel} is not in the manifest")
        if path.is_symlink():
            raise ReleaseError(f"{where}: {rel} is a symbolic link")
    for rel, entry in wanted.items():
        path = release_dir / rel
        try:
            size = path.stat().st_size
            digest = sha256_file(path) if size == entry.size else ""
        except OSError as e:
            raise ReleaseError(f"{where}: {rel} is missing") from e
        if size != entry.size or digest != entry.sha256:
            raise ReleaseError(f"{where}: {rel} does not match its checksum")
    return manifest


def _read_optional(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _sign(data: bytes, key: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).hexdigest().encode()


def _check_signature(data: bytes, signature: bytes | None, key: bytes, where: str) -> None:
    if signature is None:
        raise ReleaseError(f"{where}: the manifest is not signed, and KB_RELEASE_KEY is set")
    if not hmac.compare_digest(signature.strip(), _sign(data, key)):
        raise ReleaseError(f"{where}: the manifest's signature does not match KB_RELEASE_KEY")


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# -- release locations -------------------------------------------------------------------


class Location:
    """A directory or an HTTP(S) base URL laid out as the module docstring says."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        parsed = urllib.parse.urlsplit(spec)
        self.http = parsed.scheme in ("http", "https")
        if parsed.scheme and not self.http and len(parsed.scheme) > 1:
            raise ReleaseError(f"expected a directory or an http(s):// URL, got {spec!r}")
        self.base = spec.rstrip("/") if self.http else ""
        self.root = Path(spec) if not self.http else Path()

    def __str__(self) -> str:
        return self.spec

    def _url(self, rel: str) -> str:
        return self.base + "/" + urllib.parse.quote(rel)

    @contextlib.contextmanager
    def open(self, rel: str) -> Iterator[IO[bytes]]:
        """Read ``rel``; raises :class:`FileNotFoundError` if the location has none."""
        if not self.http:
            with (self.root / rel).open("rb") as f:
                yield f
            return
        request = urllib.request.Request(self._url(rel), headers=_auth_headers())
        try:
            response = urllib.request.urlopen(request, timeout=_TIMEOUT)
        except urllib.error.HTTPError as e:
            if e.code == 404:
                raise FileNotFoundError(self._url(rel)) from e
            raise ReleaseError(f"GET {self._url(rel)}: HTTP {e.code}") from e
        except (urllib.error.URLError, OSError) as e:
            raise ReleaseError(f"GET {self._url(rel)}: {getattr(e, 'reason', e)}") from e
        with response:
            yield response

    def read(self, rel: str, *, limit: int) -> bytes:
        with self.open(rel) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise ReleaseError(f"{self.spec}: {rel} is larger than {limit} bytes")
        return data

    def put(self, rel: str, source: Path | bytes) -> None:
        """Write ``rel`` (a directory location writes a temporary file, then renames)."""
        if not self.http:
            target = self.root / rel
            if isinstance(source, bytes):
                _write_atomically(target, source)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
                shutil.copyfile(source, tmp)
                os.replace(tmp, target)
            return
        body = source if isinstance(source, bytes) else source.read_bytes()
        request = urllib.request.Request(
            self._url(rel),
            data=body,
            method="PUT",
            headers={"Content-Type": "application/octet-stream", **_auth_headers()},
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as e:
            raise ReleaseError(f"PUT {self._url(rel)}: HTTP {e.code}") from e
        except (urllib.error.URLError, OSError) as e:
            raise ReleaseError(f"PUT {self._url(rel)}: {getattr(e, 'reason', e)}") from e

    def latest(self) -> str | None:
        """The newest release id the location announces, or None if it has none yet."""
        try:
            text = self.read(LATEST, limit=256).decode("ascii", errors="replace").strip()
        except FileNotFoundError:
            return None
        if not RELEASE_ID.match(text):
            raise ReleaseError(f"{self.spec}: {LATEST} holds {text[:40]!r}, not a release id")
        return text


def open_location(spec: str) -> Location:
    """The release location ``spec`` names: a directory path or an ``http(s)://`` URL."""
    return Location(spec)


def push(release_dir: Path, dest: str, *, key: bytes | None = None) -> Manifest:
    """Copy the release in ``release_dir`` to the location ``dest``.

    The release is verified first; its files go up before its manifest, and ``LATEST``
    last, so a reader never finds a release announced before it is complete.
    """
    manifest = verify_release(release_dir)
    location = open_location(dest)
    prefix = f"releases/{manifest.release}/"
    for rel in manifest.files:
        location.put(prefix + rel, release_dir / rel)
    data = (release_dir / MANIFEST).read_bytes()
    if key is not None:
        location.put(prefix + SIGNATURE, _sign(data, key))
    location.put(prefix + MANIFEST, data)
    location.put(LATEST, (manifest.release + "\n").encode())
    log.info("release %s pushed to %s (%d files)", manifest.release, dest, len(manifest.files))
    return manifest


# -- an API host's copy of the index -----------------------------------------------------


def installed_release(index_dir: Path) -> str | None:
    """The release id ``index_dir`` (a link to ``releases/<id>/index``) points to."""
    try:
        target = Path(os.readlink(index_dir))
    except OSError:
        return None
    name = target.parent.name
    return name if RELEASE_ID.match(name) else None


def fetch_index(source: str, index_dir: Path, *, key: bytes | None = None) -> str | None:
    """Install the newest release's index from ``source`` at ``index_dir``, if it is new.

    The index files are downloaded beside ``index_dir`` (into ``releases/``), each one
    checked against the manifest, the whole release verified, and only then is
    ``index_dir`` (a symbolic link) swapped to it in one rename: an API reading
    ``index_dir`` never opens a file that was not verified. Returns the id installed,
    or None when the newest release is installed already (or the source has none).
    """
    location = open_location(source)
    newest = location.latest()
    if newest is None or newest == installed_release(index_dir):
        return None
    releases = index_dir.parent / "releases"
    final = releases / newest
    if not final.is_dir():
        _download_index(location, newest, releases, key)
    previous = installed_release(index_dir)
    point_link(index_dir, (final / "index").absolute())
    log.info("search index: release %s from %s is now served", newest, source)
    _prune(releases, keep={newest, previous or newest})
    return newest


def _download_index(location: Location, release: str, releases: Path, key: bytes | None) -> None:
    where = f"release {release} at {location}"
    prefix = f"releases/{release}/"
    try:
        data = location.read(prefix + MANIFEST, limit=MAX_MANIFEST_BYTES)
    except FileNotFoundError as e:
        raise ReleaseError(f"{where}: no {MANIFEST}") from e
    if key is not None:
        try:
            signature: bytes | None = location.read(prefix + SIGNATURE, limit=256)
        except FileNotFoundError:
            signature = None
        _check_signature(data, signature, key, where)
    manifest = Manifest.parse(data, where=where)
    if manifest.release != release:
        raise ReleaseError(f"{where}: its manifest names release {manifest.release}")
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".fetch-{release}-", dir=releases))
    staging.chmod(0o755)  # mkdtemp's 0700 would hide the index from a server's other users
    try:
        for rel, entry in manifest.part("index").items():
            _download(location, prefix + rel, staging / rel, entry, where)
        (staging / MANIFEST).write_bytes(data)
        if key is not None:
            (staging / SIGNATURE).write_bytes(_sign(data, key))
        verify_release(staging, parts=("index",), key=key)
        os.rename(staging, releases / release)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _download(location: Location, rel: str, target: Path, entry: FileEntry, where: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    size = 0
    try:
        with location.open(rel) as src, target.open("wb") as out:
            while chunk := src.read(_CHUNK):
                size += len(chunk)
                if size > entry.size:
                    break
                h.update(chunk)
                out.write(chunk)
    except FileNotFoundError as e:
        raise ReleaseError(f"{where}: {rel.split('/', 2)[-1]} is missing") from e
    if size != entry.size or h.hexdigest() != entry.sha256:
        raise ReleaseError(f"{where}: {rel.split('/', 2)[-1]} does not match its checksum")


def _prune(releases: Path, *, keep: set[str]) -> None:
    """Delete all but the newest :data:`KEEP_RELEASES` releases (and never ``keep``)."""
    ids = sorted((p.name for p in releases.iterdir() if RELEASE_ID.match(p.name)), reverse=True)
    wanted = set(ids[:KEEP_RELEASES]) | keep
    for name in ids:
        if name not in wanted:
            shutil.rmtree(releases / name, ignore_errors=True)


def describe(manifest: Manifest) -> dict[str, Any]:
    """A short summary of a release for ``kb release`` output."""
    return {
        "release": manifest.release,
        "created": manifest.created,
        "files": len(manifest.files),
        "site_files": len(manifest.part("site")),
        "index_files": len(manifest.part("index")),
    }

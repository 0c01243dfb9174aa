"""What a Content-Security-Policy for the built site must allow, written by the build.

``deploy/render-nginx`` allows the site's inline scripts by their SHA-256 hashes. Only the
pages the build rendered (articles, listings, the 404 page: Material's templates and our
overrides, with article HTML sanitised) count: a file copied into ``site/`` as it was
must never have its scripts allowed. So the build lists them, in :data:`MANIFEST` at the
top of the site, and the deploy kit reads that list instead of every ``.html`` file.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["MANIFEST", "page_resources", "write_manifest"]

MANIFEST = "kb-csp.json"
"""``{"script_hashes": ["'sha256-…'", …], "image_origins": ["https://…", …]}``"""

_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


class _PageResources(HTMLParser):
    """Collects the text of every inline script that a browser would run, and the
    origins of images loaded from other hosts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.image_origins: set[str] = set()
        self._inside = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if tag == "img":
            url = urlsplit(html.unescape(values.get("src", "")).strip())
            if url.scheme in ("http", "https") and url.netloc:
                self.image_origins.add(f"{url.scheme}://{url.netloc.lower()}")
        if tag != "script":
            return
        kind = values.get("type", "").strip().lower()
        self._inside = "src" not in values and kind in _JS_TYPES
        self._text = []

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside:
            self.scripts.append("".join(self._text))
            self._inside = False


def page_resources(pages: Iterable[Path]) -> dict[str, list[str]]:
    """``'sha256-...'`` of each distinct inline script of ``pages``, and the origins of
    the images they load from other hosts (the plugin's ``allowed_hosts``), both sorted."""
    hashes: set[str] = set()
    origins: set[str] = set()
    for page in pages:
        parser = _PageResources()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        for script in parser.scripts:
            digest = hashlib.sha256(script.encode("utf-8")).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
        origins |= parser.image_origins
    return {"script_hashes": sorted(hashes), "image_origins": sorted(origins)}


def write_manifest(site_dir: Path, pages: Iterable[Path]) -> Path:
    """Write :data:`MANIFEST` for the rendered ``pages`` of ``site_dir``."""
    target = site_dir / MANIFEST
    resources = page_resources(p for p in sorted(set(pages)) if p.is_file())
    target.write_text(json.dumps(resources, indent=1) + "\n", encoding="utf-8")
    return target

"""Files under ``docs/`` that are not articles: which may be published as they are.

MkDocs copies every non-Markdown file of ``docs/`` into the site untouched. An article's
HTML is sanitised (:mod:`kb_builder.core.sanitize`), but a raw ``.html`` page, a script or
an SVG image sent in a pull request would reach readers as written, and run. So:

- pages a browser renders with scripts (``.html``, ``.xhtml``, ``.xml`` and its
  stylesheets) are never published: write an article instead;
- scripts and stylesheets are published only when ``mkdocs.yml`` names them
  (``extra_javascript``, ``extra_css``): the site's configuration is reviewed by the
  operator, ``docs/`` by authors;
- an SVG image is published when it holds no script, no event handler, no foreign HTML
  and no reference outside itself.

:func:`check_files` reports each refused file as an error (``kb check``, the build);
:func:`refused` is what the build leaves out, so even a preview never serves one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from kb_builder.core.problems import Problem

__all__ = ["check_files", "refused", "svg_problems"]

PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".xml", ".xsl", ".xslt"})
"""Documents a browser renders itself, scripts and all."""
CODE_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".css", ".wasm", ".swf"})
"""Code the site's pages may load: only what ``mkdocs.yml`` names."""

_SVG_CODE = frozenset({"script", "foreignobject", "handler", "listener", "iframe", "embed",
                       "object"})  # fmt: skip
_ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform"})
_REFERENCE = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)|@import", re.IGNORECASE)
_MAX_SVG_BYTES = 2_000_000


def refused(rel_path: str, trusted: Iterable[str] = (), root: Path | None = None) -> bool:
    """Whether the build must leave ``rel_path`` (under ``docs/``) out of the site."""
    return bool(_why_refused(rel_path, frozenset(trusted), root))


def check_files(
    root: Path, rel_paths: Iterable[str], *, shown_prefix: str, trusted: Iterable[str] = ()
) -> list[Problem]:
    """An error for each file of ``rel_paths`` the build will not publish."""
    allowed = frozenset(trusted)
    return [
        Problem(f"{shown_prefix}{rel}", line, key, expected, got)
        for rel in rel_paths
        for line, key, expected, got in _why_refused(rel, allowed, root)
    ]


def _why_refused(
    rel: str, trusted: frozenset[str], root: Path | None
) -> list[tuple[int, str, str, str]]:
    suffix = PurePosixPath(rel).suffix.lower()
    if rel in trusted:
        return []
    if suffix in PAGE_SUFFIXES:
        return [(1, "file", "an article in Markdown (raw pages are not published: their "
                 "scripts would run on the site)", f"a {suffix} page")]  # fmt: skip
    if suffix in CODE_SUFFIXES:
        return [(1, "file", "a script or stylesheet that mkdocs.yml names (extra_javascript, "
                 "extra_css)", f"a {suffix} file no page may load")]  # fmt: skip
    if suffix == ".svg" and root is not None:
        problems = svg_problems((root / rel).read_bytes())
        return [(line, "svg", "an SVG image without scripts, event handlers or "
                 "references outside itself", what) for line, what in problems[:1]]  # fmt: skip
    return []


def svg_problems(data: bytes) -> list[tuple[int, str]]:
    """(line, what) for each construct of an SVG image that could run or fetch."""
    if len(data) > _MAX_SVG_BYTES:
        return [(1, f"{len(data):,} bytes (at most {_MAX_SVG_BYTES:,})")]
    if re.search(rb"<!(?:DOCTYPE|ENTITY)", data, re.IGNORECASE):
        return [(1, "a DOCTYPE or entity declaration")]
    try:
        parser: ET.XMLPullParser = ET.XMLPullParser(events=("start",))
        parser.feed(data)
        parser.close()
        events: list[Any] = list(parser.read_events())
        elements = [event[1] for event in events if isinstance(event[1], ET.Element)]
    except ET.ParseError as e:
        return [(e.position[0], f"not well-formed XML ({e})")]
    return list(_svg_constructs(data, elements))


def _svg_constructs(data: bytes, elements: list[ET.Element]) -> Iterator[tuple[int, str]]:
    lines = data.decode("utf-8", errors="replace").split("\n")

    def line_of(needle: str) -> int:
        lowered = needle.lower()
        return next((n for n, text in enumerate(lines, 1) if lowered in text.lower()), 1)

    for element in elements:
        name = _local(element.tag)
        if name in _SVG_CODE:
            yield line_of(f"{name}"), f"<{name}>"
        if name == "style" and _REFERENCE.search(element.text or ""):
            yield line_of("<style"), "a <style> loading another resource"
        for attribute, value in element.attrib.items():
            attr = _local(attribute)
            if attr.startswith("on"):
                yield line_of(attr), f"{attr}= on <{name}>"
            elif attr == "href" and not value.strip().startswith("#"):
                yield line_of(value), f"href={value[:60]!r} on <{name}>"
            elif attr == "style" and _REFERENCE.search(value):
                yield line_of(value[:40]), f"style={value[:60]!r} on <{name}>"
            elif name in _ANIMATIONS and attr == "attributename" and "href" in value.lower():
                yield line_of(value), f"<{name}> changing {value}"
            elif _REFERENCE.search(value) and attr in ("fill", "stroke", "filter", "mask",
                                                       "clip-path", "marker-start"):  # fmt: skip
                yield line_of(value[:40]), f"{attr}={value[:60]!r} on <{name}>"


def _local(name: str) -> str:
    """``{http://www.w3.org/1999/xlink}href`` -> ``href``, lower-cased."""
    return name.rsplit("}", 1)[-1].lower()

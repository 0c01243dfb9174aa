"""What the checks and the search index need from Markdown source, without rendering it.

Rendering 2,000 articles twice would double the build, so headings, links and plain text
are read from the source, skipping fenced code where Markdown syntax means nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown.extensions.toc import slugify, unique

__all__ = [
    "Heading",
    "Link",
    "headings",
    "links",
    "plain_text",
    "prose_lines",
]

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")
_INLINE_CODE = re.compile(r"`+[^`]*`+")
_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str
    line: int
    """1-based line within the body."""


@dataclass(frozen=True)
class Link:
    text: str
    target: str
    line: int
    image: bool


def prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """(1-based line, text) of lines outside fenced code blocks."""
    in_fence = False
    for number, line in enumerate(body.split("\n"), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield number, line


def _heading_text(raw: str) -> str:
    text = _ATTR_ID.sub("", raw)
    text = _LINK.sub(lambda m: m.group(2), text)
    text = text.replace("`", "").replace("**", "").replace("__", "")
    return _TAG.sub("", text).strip()


def headings(body: str) -> list[Heading]:
    """Headings with the anchors MkDocs' ``toc`` extension gives them."""
    seen: set[str] = set()
    found = []
    for number, line in prose_lines(body):
        m = _HEADING.match(line)
        if not m:
            continue
        custom = _ATTR_ID.search(m.group(2))
        text = _heading_text(m.group(2))
        anchor = custom.group(1) if custom else unique(slugify(text, "-"), seen)
        seen.add(anchor)
        found.append(Heading(len(m.group(1)), text, anchor, number))
    return found


def links(body: str) -> list[Link]:
    """Inline links and images outside code."""
    found = []
    for number, line in prose_lines(body):
        for m in _LINK.finditer(_INLINE_CODE.sub("", line)):
            found.append(Link(m.group(2), m.group(3), number, m.group(1) == "!"))
    return found


_ADMONITION = re.compile(r'^\s*(?:!!!|\?\?\?\+?)\s*\w+(?:\s+"([^"]*)")?\s*$')
_EMPHASIS = re.compile(r"(\*\*|__|\*|~~|\+\+)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
_ATTR_LIST = re.compile(r"\{[:#.][^}]*\}")


def plain_text(body: str) -> str:
    """The article as text a reader sees: markup removed, code kept (error codes live there)."""
    out = []
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(line.strip())
            continue
        m = _ADMONITION.match(line)
        if m:
            out.append(m.group(1) or "")
            continue
        if _TABLE_RULE.match(line):
            continue
        text = _HEADING.sub(lambda h: h.group(2), line)
        text = _ATTR_LIST.sub("", text)
        text = _LINK.sub(lambda lk: lk.group(2), text)
        text = _LIST_MARK.sub("", text)
        text = text.replace("`", "").replace("|", " ").lstrip("> ")
        text = _EMPHASIS.sub("", _TAG.sub(" ", text))
        out.append(html.unescape(text).strip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()

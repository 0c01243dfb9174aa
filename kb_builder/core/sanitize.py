"""The HTML a knowledge-base article may contain, enforced by the ``nh3`` sanitiser.

Articles are written by many people and reviewed quickly, so nothing in one may run in a
reader's browser or make it fetch from another host. :func:`clean` is applied to every
rendered page (the plugin's ``on_page_content``); :func:`unsafe_constructs` runs the same
sanitiser over each HTML tag and link of the Markdown source, so ``kb check`` names, by
line, everything the build would remove. One allowlist, one sanitiser, two uses.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterator, MutableMapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown.extensions.attr_list import get_attrs_and_remainder
from markupsafe import Markup

from kb_builder.core.markdown_text import links, prose_lines

__all__ = ["ALLOWED_TAGS", "clean", "escape_front_matter", "has_markup", "unsafe_constructs"]

ALLOWED_TAGS = frozenset(
    {
        # text and structure
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span"),
        *("ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code", "samp", "var"),
        *("em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup"),
        *("abbr", "kbd", "q", "cite", "dfn", "time", "wbr"),
        # tables (and pymdownx.highlight's line-number tables)
        *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col"),
        # links, images, collapsible blocks (pymdownx.details)
        *("a", "img", "figure", "figcaption", "details", "summary"),
    }
)
"""Tags kept. Everything else is removed; ``script`` and ``style`` with their content."""

_ATTRIBUTES: dict[str, set[str]] = {
    # attr_list, admonitions, toc anchors, pymdownx.keys/highlight all use these.
    "*": {"class", "id", "title", "lang"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    # Markdown's tables align with style="text-align: ..." (only that property is kept).
    "th": {"align", "style", "colspan", "rowspan", "scope"},
    "td": {"align", "style", "colspan", "rowspan"},
    "col": {"span"},
    "ol": {"start", "type", "reversed"},
    "details": {"open"},
    "time": {"datetime"},
    "span": {"data-linenos"},  # pymdownx.highlight's line numbers
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})
"""Schemes a URL may have; relative URLs are kept. No ``javascript:``, no ``data:``."""

_RESOURCE_ATTRIBUTES = frozenset({("img", "src")})
"""Attributes that make the browser fetch: their host must be allowed."""

_CLEAN_CONTENT = frozenset({"script", "style"})
"""Removed with their content (a stylesheet's text shown as prose helps nobody)."""


def clean(markup: str, *, allowed_hosts: Collection[str] = ()) -> str:
    """``markup`` with everything outside the allowlist removed.

    ``allowed_hosts``: hosts images may be loaded from (the plugin's ``allowed_hosts``);
    by default only the site itself (relative URLs).
    """
    return _clean(markup, frozenset(h.lower() for h in allowed_hosts))


def _clean(markup: str, hosts: frozenset[str]) -> str:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("id", "name") and value.startswith("__"):
            # Material's own elements are found by such ids (#__config holds its settings):
            # an article must not shadow them. pymdownx's code line anchors may.
            return value if value.startswith("__codelineno-") else None
        if (tag, attribute) in _RESOURCE_ATTRIBUTES and not _local_or_allowed(value, hosts):
            return None
        return value

    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_CLEAN_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=keep,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},
        link_rel=None,
        # Our plugin's markers (<!-- kb:blocks -->) are comments; a comment runs nothing.
        strip_comments=False,
    )


def _local_or_allowed(url: str, hosts: frozenset[str]) -> bool:
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc:
        return True
    return host is not None and host in hosts


_PRINTED_KEYS = ("title", "description", "tags")
"""Front-matter values the theme prints into pages without escaping them."""


def escape_front_matter(meta: MutableMapping[str, Any]) -> None:
    """Escape, in place, the front-matter values the theme prints as HTML.

    Material writes ``page.meta.title``, ``page.title`` (which is the front-matter title),
    ``page.meta.description`` and tag names into pages unescaped. As
    :class:`~markupsafe.Markup` they print as text, and templates that do escape (``| e``)
    do not escape them twice. Call it before Material's tags plugin reads the tags.
    """
    for key in _PRINTED_KEYS:
        if key not in meta:
            continue
        value = meta[key]
        meta[key] = [_escaped(v) for v in value] if isinstance(value, list) else _escaped(value)


def escape_text(text: str) -> str:
    """``text`` escaped once, as :class:`~markupsafe.Markup` (templates that escape do not
    escape it twice)."""
    return _escaped(text)  # type: ignore[no-any-return]


def _escaped(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(html.escape(value, quote=True))
    return value


_MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def has_markup(text: str) -> bool:
    """Whether ``text`` holds an HTML tag, comment or character reference.

    Front-matter values are plain text: a title such as ``Limits for A & B`` or
    ``x < y`` is fine, ``<img src=x>`` or ``&lt;`` is markup.
    """
    return _MARKUP.search(text) is not None


# -- what kb check reports ----------------------------------------------------------------


@dataclass(frozen=True)
class _Tag:
    line: int
    name: str
    attrs: tuple[tuple[str, str], ...]


class _StartTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[_Tag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, _ = self.getpos()
        self.tags.append(_Tag(line, tag, tuple((k, v or "") for k, v in attrs)))

    handle_startendtag = handle_starttag

    def parse_html_declaration(self, i: int) -> int:
        # Python 3.11's parser asserts on a marked section other than CDATA ("<![1").
        # Python-Markdown writes one out as text, so skip it and read the tags after it.
        if self.rawdata.startswith("<![", i) and not self.rawdata.startswith("<![CDATA[", i):
            return i + 3
        return super().parse_html_declaration(i)  # type: ignore[no-any-return]


def _start_tags(markup: str) -> list[_Tag]:
    parser = _StartTags()
    # Python's HTMLParser (3.11, 3.12) raises AssertionError on a malformed marked section
    # ("<![1"); browsers read "<![" as a bogus comment. Read it as text: scanning goes on
    # past it, so nothing after it escapes the check.
    parser.feed(markup.replace("<![", "&lt;!["))
    parser.close()
    return parser.tags


_INLINE_CODE = re.compile(r"`+[^`\n]*`+")
# A reference definition, also inside a list item or a quote ("  - [r]: ...", "> [r]: ...").
_REFERENCE = re.compile(r"^(?:\s*(?:>|[-*+]|\d+[.)])?)*\s*\[[^\]]+\]:\s*<?([^\s>]+)>?")
# attr_list's "{: #id .class key=value }" after a block or an inline element; not the
# plugin's "{{ extra.company }}" placeholders.
_ATTR_LIST = re.compile(r"(?<!\{)\{:?[ ]*(?P<attrs>[^}\n ][^}\n]*?)[ ]*\}(?!\})")
_LINK_BEFORE = re.compile(r"(!?)\[[^\]]*\]\([^)]*\)$")
_ATTRIBUTE_NAME = re.compile(r"^(?:\.|[A-Za-z_:][-\w:.]*)$")


def unsafe_constructs(
    body: str, *, allowed_hosts: Collection[str] = ()
) -> Iterator[tuple[int, str]]:
    """(1-based line in ``body``, what the sanitiser removes) for a Markdown body.

    Each raw HTML tag, inline link or image and reference definition outside code is
    rendered to the HTML it becomes and passed through :func:`clean`; whatever does not
    come out is reported.
    """
    hosts = frozenset(h.lower() for h in allowed_hosts)
    prose = dict(prose_lines(body))
    lines = body.split("\n")
    # Fenced code keeps its lines (blank) so the parser's line numbers are the body's.
    text = "\n".join(
        _INLINE_CODE.sub("", line) if number in prose else ""
        for number, line in enumerate(lines, start=1)
    )
    for tag in _start_tags(text):
        yield from ((tag.line, what) for what in _removed(tag, hosts))
    for link in links(body):
        name, attribute = ("img", "src") if link.image else ("a", "href")
        # Markdown passes character references through; the browser decodes them.
        tag = _Tag(link.line, name, ((attribute, html.unescape(link.target)),))
        yield from ((link.line, what) for what in _removed(tag, hosts))
    for number, line in prose.items():
        m = _REFERENCE.match(line)
        if m:
            tag = _Tag(number, "a", (("href", html.unescape(m[1])),))
            yield from ((number, what) for what in _removed(tag, hosts))
        for tag in _attribute_lists(number, _INLINE_CODE.sub("", line)):
            yield from ((number, what) for what in _removed(tag, hosts))


def _attribute_lists(number: int, line: str) -> Iterator[_Tag]:
    """The attributes attr_list would set from ``line``, on the element it sets them on
    (a link, an image, a heading, else the paragraph or list item)."""
    for m in _ATTR_LIST.finditer(line):
        attrs, rest = get_attrs_and_remainder(m["attrs"] + "}")
        before = line[: m.start()]
        link = _LINK_BEFORE.search(before)
        at_end = not line[m.end() :].strip()
        if rest.strip() != "}" or not attrs or not (link or at_end):
            continue  # not an attribute list: braces in prose
        if not all(_ATTRIBUTE_NAME.match(k) for k, _ in attrs):
            continue
        if link is not None:
            name = "img" if link[1] else "a"
        elif line.lstrip().startswith("#"):
            name = "h2"
        else:
            name = "p"
        named = tuple((k, html.unescape(v or "")) for k, v in attrs if k not in (".", "id"))
        ids = tuple(("id", v) for k, v in attrs if k == "id")
        if named or ids:
            yield _Tag(number, name, (*ids, *named))


_CONTEXT = {
    # Table parts are dropped by an HTML parser outside a table: test them inside one.
    **dict.fromkeys(("td", "th"), "<table><tr>"),
    **dict.fromkeys(("tr", "thead", "tbody", "tfoot", "caption", "colgroup"), "<table>"),
    "col": "<table><colgroup>",
}
_SHOWN = 60
"""Characters of an attribute value an error message quotes at most."""


def _removed(tag: _Tag, hosts: frozenset[str]) -> list[str]:
    attrs = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in tag.attrs)
    kept = [
        t
        for t in _start_tags(_clean(_CONTEXT.get(tag.name, "") + f"<{tag.name}{attrs}>", hosts))
        if t.name == tag.name
    ]
    if not kept:
        return [f"<{tag.name}> (removed)"]
    left = dict(kept[0].attrs)
    return [
        f"{k}={_shorten(v)!r} on <{tag.name}> (removed)"
        for k, v in tag.attrs
        # A style keeps its allowed properties (text-align) and loses the others.
        if left.get(k) != v and not (k == "style" and left.get(k))
    ]


def _shorten(value: str) -> str:
    return value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"

"""What must hold for any input, and the hostile inputs the fuzz tests draw from
(imported by the tests of this folder)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "HOSTILE",
    "MAX_SECONDS",
    "assert_safe_json",
    "assert_safe_snippet",
    "hostile_text",
    "huge_text",
    "no_logged_errors",
    "timed",
]

MAX_SECONDS = 2.0
"""Longest any one call may take on the real index (ordinary ones take milliseconds)."""

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<mark>x</mark>",
    "</mark><script>alert(1)</script><mark>",
    "&lt;script&gt;",
    "&amp;lt;script",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "javascript:alert(1)",
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "..\\..\\windows\\win.ini",
    "email/../../../etc/passwd.md",
    "\x00",
    "\u202e\u200b\ufeff",
    "İ ß ﬁ Ω ǅ ﷽",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 📧🔥",
    "(((((",
    "*:*",
    "title:x body:[a TO z]",
    "550 5.1.1",
    "ERR_TOO_MANY_REDIRECTS",
    "' OR 1=1 --",
    "{{ extra.company }} %s {0}",
    "${jndi:ldap://x}",
    "\r\n\r\nHTTP/1.1 200 OK",
    "password: Hunter2!x",
    "mail quota full",
]
"""Markup, traversal, control and odd Unicode characters, query syntax, templates."""

_SNIPPET_TAG = re.compile(r"</?mark>")
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);")


def hostile_text(*, surrogates: bool = True, max_size: int = 300) -> st.SearchStrategy[str]:
    """Any text, hostile fragments, and mixes of both (no lone surrogates for HTTP,
    which cannot carry them)."""
    alphabet = st.characters() if surrogates else st.characters(exclude_categories=["Cs"])
    fragments = st.sampled_from(HOSTILE if surrogates else [h for h in HOSTILE if h.isprintable()])
    return st.one_of(
        st.text(alphabet, max_size=max_size),
        fragments,
        st.lists(st.one_of(fragments, st.text(alphabet, max_size=12)), max_size=25).map(" ".join),
    )


def huge_text(max_chars: int) -> st.SearchStrategy[str]:
    """A fragment repeated up to ``max_chars`` characters."""
    return st.builds(
        lambda fragment, n: (fragment * n)[:max_chars],
        st.sampled_from([*HOSTILE, "mail ", "a", "é", "( ", "5.1.1 "]),
        st.integers(1, max_chars),
    )


def assert_safe_snippet(snippet: str) -> None:
    """Escaped HTML whose only tags are ``<mark>`` and ``</mark>``."""
    plain = _SNIPPET_TAG.sub("", snippet)
    assert "<" not in plain and ">" not in plain, snippet
    assert "&" not in _ENTITY.sub("", plain), snippet


ECHO_FIELDS = frozenset({"query", "did_you_mean"})
"""Fields that give the caller's own text back as plain text (the widget and the search
box set them with ``textContent``): they may hold markup as typed."""


def assert_safe_json(value: Any, key: str = "") -> None:
    """No string in an answer carries markup, except snippets' ``<mark>`` tags and the
    caller's own query echoed as plain text."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert_safe_json(v, str(k))
    elif isinstance(value, list):
        for v in value:
            assert_safe_json(v, key)
    elif isinstance(value, str):
        if key == "snippet":
            assert_safe_snippet(value)
        elif key not in ECHO_FIELDS:
            assert "<script" not in value.lower(), (key, value)
            assert "onerror=" not in value.lower(), (key, value)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def no_logged_errors() -> Iterator[None]:
    """Fail if anything logs an error: the search and the API turn unexpected exceptions
    into empty results or a 500 and *log* them, so a swallowed bug shows only there."""
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    formatter = logging.Formatter()
    assert not handler.records, [
        f"{r.name}: {r.getMessage()}\n{formatter.formatException(r.exc_info) if r.exc_info else ''}"
        for r in handler.records
    ]


@contextmanager
def timed(what: str, limit: float = MAX_SECONDS) -> Iterator[None]:
    """Fail if the block takes longer than ``limit`` seconds."""
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    assert elapsed < limit, f"{what} took {elapsed:.2f} s"

"""Highlighted extracts of an article around the query's words.

The article is stored as plain text; the snippet is cut from it at word boundaries,
every piece is HTML-escaped, and only the matches are wrapped in ``<mark>``: the
result is safe to insert into a page whatever the article or the query contain.

Matches are found from the query's index terms, without re-analyzing the article: a
stem marks the words it starts (``certif`` marks "certificate" and "certified"), an
identifier marks itself, a synonym group marks its phrases. Stems and identifiers are
found with ``str.find`` on the lower-cased text (C speed; a query compiles nothing);
synonym phrases with a cached regular expression tried only where the phrase's first
letters occur.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Iterator

from search.analysis import PAIR_PREFIX, SYN_PREFIX, load_synonyms

__all__ = ["MARK_CLOSE", "MARK_OPEN", "find_matches", "make_snippet"]

MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"
#: Target snippet length, in characters.
SNIPPET_CHARS = 220
#: Only this much of an article is searched for the best extract.
SCAN_CHARS = 20_000
#: At most this many matches are considered when choosing the extract.
MAX_MATCHES = 300


_WORD_TAIL = re.compile(r"\w*")


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


@functools.lru_cache(maxsize=256)
def _synonym_patterns(term: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """For a synonym group's term: (literal first letters, pattern) per phrase.

    A phrase is only tried where its literal start occurs (found with ``str.find``),
    which is much cheaper than scanning the whole text with one big alternation.
    """
    stems = {g.term: g.stems for g in load_synonyms()}.get(term)
    if not stems:
        return ()
    patterns: dict[str, list[str]] = {}
    for phrase in stems:
        words = [
            re.escape(s[:-1]) + "[iy]" if s.endswith("i") and s.isalpha() else re.escape(s)
            for s in phrase
        ]
        first = phrase[0]
        literal = first[:-1] if first.endswith("i") and first.isalpha() else first
        patterns.setdefault(literal, []).append(r"\w*\W{1,3}".join(words) + r"\w*")
    return tuple(
        (literal, re.compile("|".join(sorted(alternatives, key=len, reverse=True))))
        for literal, alternatives in patterns.items()
        if literal
    )


def _synonym_spans(text: str, term: str) -> Iterator[tuple[int, int]]:
    for literal, pattern in _synonym_patterns(term):
        i = text.find(literal)
        while i != -1:
            if i == 0 or not _word_char(text[i - 1]):
                m = pattern.match(text, i)
                if m is not None and m.end() > i:
                    yield i, m.end()
            i = text.find(literal, i + 1)


def find_matches(
    lower: str, terms: Iterable[str], *, limit: int = SCAN_CHARS
) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans in ``lower`` (lower-cased text) of
    the words that produce ``terms``."""
    spans: list[tuple[int, int]] = []
    n = min(len(lower), limit)
    text = lower[:n]
    for term in terms:
        if term.startswith(SYN_PREFIX):
            spans.extend(_synonym_spans(text, term))
            continue
        if len(term) < 2 or term.startswith(PAIR_PREFIX):
            continue  # a pair's words are marked as words
        identifier = not term.isalpha()
        needles = [term]
        if not identifier and term.endswith("i") and len(term) > 3:
            # Porter2 turns a final "y" into "i": "repli" must also mark "reply".
            needles = [term, term[:-1] + "y"]
        for needle in needles:
            i = text.find(needle)
            while i != -1:
                before = text[i - 1] if i > 0 else " "
                j = i + len(needle)
                if identifier:
                    after = text[j] if j < n else " "
                    ok = not (_word_char(before) or before in ".-") and not (
                        _word_char(after)
                        or after == "-"
                        or (after == "." and j + 1 < n and _word_char(text[j + 1]))
                    )
                else:
                    ok = not _word_char(before)
                    if ok:
                        j = _WORD_TAIL.match(text, j).end()  # type: ignore[union-attr]
                if ok:
                    spans.append((i, j))
                    if len(spans) > MAX_MATCHES:
                        break
                i = text.find(needle, i + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
            continue
        merged.append((start, end))
    return merged


def _highlight(text: str, offset: int, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    last = 0
    for start, end in spans:
        s, e = start - offset, end - offset
        if s < last or e > len(text):
            continue
        out.append(html.escape(text[last:s]))
        out.append(MARK_OPEN + html.escape(text[s:e]) + MARK_CLOSE)
        last = e
    out.append(html.escape(text[last:]))
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _lower(text: str) -> str:
    """``text`` lower-cased with the same offsets (cached: an index's article texts are
    the same string objects from query to query, so the lookup costs no hashing)."""
    lower = text.lower()
    # Offsets must line up with the original; a few characters change length when
    # lower-cased ("İ"): fall back to ASCII-only lower-casing for those texts.
    if len(lower) != len(text):
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lower


def make_snippet(
    text: str, terms: Iterable[str], *, fallback: str = "", chars: int = SNIPPET_CHARS
) -> str:
    """The best ``chars``-long extract of ``text`` for ``terms``, as safe HTML.

    "Best" is the window with the most distinct matched words, earliest on a tie.
    Without any match, the start of ``fallback`` (e.g. the summary) or of ``text``.
    """
    terms = tuple(terms)
    lower = _lower(text)
    spans = find_matches(lower, terms)
    if not spans:
        source = fallback or text
        start, end = _window(source, 0, chars)
        return _decorate(source, start, end, find_matches(_lower(source), terms))
    words = [lower[s:e] for s, e in spans]
    best_start, best_score = spans[0][0], -1
    j = 0
    for i, (start, _) in enumerate(spans):
        # spans[i:j] is the window starting at match i.
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= start + chars:
            j += 1
        score = len(set(words[i:j]))
        if score > best_score:
            best_start, best_score = start, score
    # Start a little before the first match, at a word boundary.
    start = max(0, best_start - chars // 5)
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        if space >= 0 and best_start - space < chars // 2:
            start = space + 1
    start, end = _window(text, start, chars)
    return _decorate(text, start, end, spans)


def _window(text: str, start: int, chars: int) -> tuple[int, int]:
    end = start + chars
    if end < len(text):
        space = text.rfind(" ", start + chars // 2, end)
        end = space if space > 0 else end
    return start, min(end, len(text))


def _decorate(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    inside = [(s, e) for s, e in spans if s >= start and e <= end]
    body = _highlight(text[start:end], start, inside)
    body = " ".join(body.split())
    prefix = "\u2026 " if start > 0 else ""
    suffix = " \u2026" if end < len(text) else ""
    return prefix + body + suffix

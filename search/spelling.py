"""Spelling correction from the index's own vocabulary.

A query word that no article contains is replaced by the most frequent indexed word
within a small edit distance ("faild" -> "failed", "certficate" -> "certificate").
Candidates are found with a symmetric-deletion index (SymSpell, Wolf Garbe 2012):
every vocabulary word is stored under itself and each string made by deleting one of
its letters, so one dictionary lookup per deletion of the query word finds every word
within one insertion, deletion, substitution or transposition, and many within two.
The true Damerau-Levenshtein distance then ranks them. A lookup costs microseconds,
unlike Whoosh's automaton-based ``suggest`` (over 100 ms per word here).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping

from kb_text.words import english_frequencies

__all__ = ["SpellChecker", "edit_distance", "english_words"]

logger = logging.getLogger(__name__)

#: A word of the English frequency list used at least this often is a real word, never
#: a typo, even if no article uses it ("stuff" is not corrected to "staff").
MIN_ENGLISH_FREQUENCY = 20

#: Words shorter than this are never corrected: too many neighbours.
MIN_WORD_LEN = 4
#: Words up to this length may be one edit off; longer ones two.
ONE_EDIT_MAX_LEN = 5


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).

    Returns ``limit`` as soon as the distance is known to reach it.
    """
    if a == b:
        return 0
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        best = i
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best >= limit:
            return limit
        prev2, prev = prev, cur
    return min(prev[-1], limit)


@functools.cache
def english_words() -> frozenset[str]:
    """Common English words (``pyspellchecker``'s frequency list, :mod:`kb_text.words`),
    lower case.

    Only protects words from "correction"; suggestions come from the index alone.
    Empty if the package is missing.
    """
    frequencies = english_frequencies()
    return frozenset(w for w, n in frequencies.items() if n >= MIN_ENGLISH_FREQUENCY)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _keys(word: str) -> set[str]:
    """The keys a vocabulary word is stored under (none for words never suggested)."""
    if len(word) < MIN_WORD_LEN - 1 or not word.isalpha():
        return set()
    return _deletes(word) | {word}


class SpellChecker:
    """Corrects words against a vocabulary of ``{word: document frequency}``."""

    def __init__(self, vocabulary: Mapping[str, int], *, protected: Iterable[str] = ()) -> None:
        """``protected`` words are known (never corrected) but never suggested; neither
        are common English words (:func:`english_words`)."""
        self.vocabulary = dict(vocabulary)
        self._protected = frozenset(protected)
        self._known = set(self.vocabulary) | self._protected
        self._english = english_words()
        self._by_delete: dict[str, list[str]] = {}
        for word in self.vocabulary:
            for key in _keys(word):
                self._by_delete.setdefault(key, []).append(word)
        logger.debug(
            "spelling index: %d words, %d keys", len(self.vocabulary), len(self._by_delete)
        )

    def with_vocabulary(self, vocabulary: Mapping[str, int]) -> SpellChecker:
        """A checker for ``vocabulary`` with the same protected words, built from this one.

        Only the words that came or went are (un)indexed, so after an edit to one article
        this costs milliseconds instead of indexing every word again. This checker is
        left unchanged.
        """
        new = object.__new__(SpellChecker)
        new.vocabulary = dict(vocabulary)
        new._protected = self._protected
        new._known = set(new.vocabulary) | self._protected
        new._english = self._english
        by_delete = dict(self._by_delete)  # lists are shared until a key changes
        for word in self.vocabulary.keys() - new.vocabulary.keys():
            for key in _keys(word):
                rest = [w for w in by_delete.get(key, ()) if w != word]
                if rest:
                    by_delete[key] = rest
                else:
                    by_delete.pop(key, None)
        for word in new.vocabulary.keys() - self.vocabulary.keys():
            for key in _keys(word):
                by_delete[key] = [*by_delete.get(key, ()), word]
        new._by_delete = by_delete
        return new

    def __contains__(self, word: object) -> bool:
        return word in self._known or word in self._english

    def correct(self, word: str) -> str | None:
        """The best correction of ``word``, or None if it is known or has none."""
        if word in self._known or word in self._english:
            return None
        if len(word) < MIN_WORD_LEN or not word.isalpha():
            return None
        max_dist = 1 if len(word) <= ONE_EDIT_MAX_LEN else 2
        candidates: set[str] = set()
        for key in _deletes(word) | {word}:
            candidates.update(self._by_delete.get(key, ()))
        best: tuple[int, int, str] | None = None
        for cand in candidates:
            d = edit_distance(word, cand, max_dist + 1)
            if d > max_dist:
                continue
            # Closest first; among equals, the word more articles use.
            rank = (d, -self.vocabulary[cand], cand)
            if best is None or rank < best:
                best = rank
        return best[2] if best else None

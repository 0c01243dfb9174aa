"""An opened index generation: postings, document frequencies, stored fields, spelling.

A :class:`Generation` is one immutable Whoosh index directory (see
:mod:`search.indexing`) read into what ranking needs: each term's posting list as arrays
of (document number, BM25 term factor), read once and cached; the live documents, their
boosts, sections and paths; the stored fields of recently shown articles; and the
spelling checker of its vocabulary. :class:`search.KnowledgeBase` follows the index
link from one generation to the next.

Thread safety: Whoosh readers are not thread-safe, so each thread gets its own reader;
the caches are shared (a racing miss reads the same postings twice, harmlessly).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index  # type: ignore[import-untyped]
from whoosh.codec.whoosh3 import W3LeafMatcher  # type: ignore[import-untyped]
from whoosh.matching import FilterMatcher  # type: ignore[import-untyped]

import search.ranking as ranking
from search.analysis import load_stop_words, load_synonyms, words
from search.indexing import catalog, generation_name, read_vocabulary
from search.questions import QuestionIndex
from search.ranking import Postings
from search.results import SearchResults
from search.spelling import SpellChecker

__all__ = ["TERM_CACHE_SIZE", "Generation"]

logger = logging.getLogger(__name__)

#: Distinct terms whose postings stay cached per generation.
TERM_CACHE_SIZE = 100_000
_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float32)


class Generation:
    """One opened index generation and everything cached about it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = generation_name(path)
        self.ix = whoosh_index.open_dir(str(path))
        self._local = threading.local()
        self._lock = threading.Lock()
        reader = self.reader()
        n = reader.doc_count_all()
        self.maxdoc = n
        self.live = np.zeros(n, dtype=bool)
        self.boosts = np.zeros(n, dtype=np.float32)
        self.section_codes = np.full(n, -1, dtype=np.int32)
        self.sections: list[str] = []
        self.paths: list[str] = [""] * n
        self.path_to_doc: dict[str, int] = {}
        section_index: dict[str, int] = {}
        for docnum, doc_path, section, boost, _ in catalog(reader):
            self.live[docnum] = True
            self.boosts[docnum] = boost
            code = section_index.setdefault(section, len(section_index))
            self.section_codes[docnum] = code
            self.paths[docnum] = doc_path
            self.path_to_doc[doc_path] = docnum
        self.sections = list(section_index)
        self.doc_count = int(self.live.sum())
        lengths = np.array(
            [reader.doc_field_length(d, "content", 0) if self.live[d] else 0 for d in range(n)],
            dtype=np.float32,
        )
        avg = float(lengths[self.live].mean()) if self.doc_count else 1.0
        self.norm = ranking.length_norm(lengths, avg)
        self._terms: OrderedDict[str, Postings] = OrderedDict()
        self._stored: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._dfs: dict[str, int] = {}
        self._speller: SpellChecker | None = None
        self._questions: QuestionIndex | None = None
        self.results: OrderedDict[tuple[Any, ...], SearchResults] = OrderedDict()
        logger.debug("opened search index %s: %d documents", path, self.doc_count)

    def reader(self) -> Any:
        """This thread's Whoosh reader of the generation."""
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = self.ix.reader()
        return reader

    # -- postings -------------------------------------------------------------

    def postings(self, term: str) -> Postings:
        """The cached postings of ``term`` in ``content`` (empty if absent)."""
        cached = self._terms.get(term)
        if cached is not None:
            return cached
        ids, weights = self._read_postings(term)
        if ids.size:
            keep = self.live[ids]
            ids, weights = ids[keep], weights[keep]
        factor = ranking.tf_factor(weights, self.norm[ids])
        postings = Postings(ids, factor)
        with self._lock:
            self._terms[term] = postings
            if len(self._terms) > TERM_CACHE_SIZE:
                self._terms.popitem(last=False)
        return postings

    def _read_postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        reader = self.reader()
        btext = term.encode("utf-8")
        ids: list[int] = []
        weights: list[float] = []
        for leaf, base in reader.leaf_readers():
            if ("content", btext) not in leaf:
                continue
            m = leaf.postings("content", btext)
            if isinstance(m, FilterMatcher):
                m = m.child  # deleted documents are masked with self.live instead
            if isinstance(m, W3LeafMatcher):
                # Whole blocks at a time: ~30x faster than the Matcher API per posting.
                # Relies on whoosh-reloaded 2.7's block layout; tests compare both paths.
                while m.is_active():
                    m._read_ids()
                    m._read_weights()
                    ids.extend(base + i for i in m._ids)
                    weights.extend(m._weights)
                    m._next_block()
            else:
                while m.is_active():
                    ids.append(base + m.id())
                    weights.append(m.weight())
                    m.next()
        if not ids:
            return _EMPTY_IDS, _EMPTY_F
        return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32)

    def df(self, term: str) -> int:
        """Number of articles containing ``term``: from the cached postings if read,
        else from Whoosh's term info (no postings read; deleted articles may count)."""
        cached = self._terms.get(term)
        if cached is not None:
            return cached.df
        df = self._dfs.get(term)
        if df is None:
            df = int(self.reader().doc_frequency("content", term.encode("utf-8")))
            if len(self._dfs) >= TERM_CACHE_SIZE:
                self._dfs.clear()  # untrusted queries must not grow it without bound
            self._dfs[term] = df
        return df

    def idf(self, df: int) -> float:
        """:func:`search.ranking.idf` of ``df`` in this generation."""
        return ranking.idf(df, self.doc_count)

    def questions(self) -> QuestionIndex:
        """The articles' questions, read on first use (see :mod:`search.questions`)."""
        if self._questions is None:
            self._questions = QuestionIndex.from_reader(self.reader(), self.live)
        return self._questions

    # -- stored fields ---------------------------------------------------------

    def stored(self, docnum: int) -> dict[str, Any]:
        cached = self._stored.get(docnum)
        if cached is None:
            cached = dict(self.reader().stored_fields(docnum))
            with self._lock:
                self._stored[docnum] = cached
                if len(self._stored) > 2048:
                    self._stored.popitem(last=False)
        return cached

    # -- spelling ---------------------------------------------------------------

    def speller(self, *, previous: SpellChecker | None = None) -> SpellChecker:
        """The spelling checker of this generation's vocabulary, built on first use
        (from ``previous``, a former generation's, when given: much faster)."""
        if self._speller is None:
            vocabulary = read_vocabulary(self.path)
            if previous is not None:
                self._speller = previous.with_vocabulary(vocabulary)
            else:
                protected: set[str] = set(load_stop_words())
                for group in load_synonyms():
                    for phrase in group.phrases:
                        protected.update(words(phrase))
                self._speller = SpellChecker(vocabulary, protected=protected)
        return self._speller

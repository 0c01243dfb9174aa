"""The long-lived handle on a search index: queries, spelling, related articles.

Ranking is BM25F over the ``content`` field (see :mod:`search.schema`), scored
term-at-a-time with NumPy. Each term's posting list is read from the Whoosh index
once per generation and kept as arrays of (document number, BM25 term factor); a
query then costs one vector addition per term, whatever the index size, instead of
Whoosh's per-posting Python matchers (38 ms at 2,000 articles in
``/work/shared/notes/whoosh.md``; see ``bench/search_speed.py``).

Thread safety: a :class:`KnowledgeBase` may be shared by threads. Whoosh readers are
not thread-safe, so each thread gets its own reader of the current generation; the
term cache is shared (a racing miss reads the same postings twice, harmlessly).
When ``index_dir`` is swapped to a new generation, the next query notices (one
``readlink``) and moves to it; queries already running finish on the old one.
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index  # type: ignore[import-untyped]
from whoosh.codec.whoosh3 import W3LeafMatcher  # type: ignore[import-untyped]
from whoosh.matching import FilterMatcher  # type: ignore[import-untyped]

from search.analysis import SYN_PREFIX, load_stop_words, load_synonyms, words
from search.errors import IndexNotFound, SearchError
from search.indexing import catalog, current_generation, read_vocabulary
from search.querying import (
    MAX_LONG_DF_RATIO,
    MAX_LONG_TERMS,
    QueryPlan,
    clean_query_text,
    plan_query,
    plan_ticket,
)
from search.results import Hit, SearchResults
from search.snippets import make_snippet
from search.spelling import SpellChecker

__all__ = ["KnowledgeBase", "open_index"]

logger = logging.getLogger(__name__)

#: BM25 parameters (Robertson's usual values).
K1 = 1.2
B = 0.75
#: BM25's IDF of a word in nearly every article is nearly 0, so a query whose words are
#: all common ("contact support") would be ranked by chance; with a floor, where the
#: common words appear (title, keywords) still counts a little.
IDF_FLOOR = 0.2
#: A section is counted in the facets for each article scoring at least this share of
#: the best score: with OR-ed terms nearly every article matches *something*, and
#: counting those would make every facet the size of its section.
FACET_MIN_SHARE = 0.3
#: Distinct terms whose postings stay cached per generation.
TERM_CACHE_SIZE = 100_000
#: Recent queries whose results are kept (a search box sends the same ones often).
RESULT_CACHE_SIZE = 512

_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class _Postings:
    ids: np.ndarray
    """Live document numbers containing the term."""
    tf_factor: np.ndarray
    """BM25's saturated, length-normalized term frequency for each of them."""

    @property
    def df(self) -> int:
        return int(self.ids.size)


class _Generation:
    """One opened index generation and everything cached about it."""

    def __init__(self, path: Path) -> None:
        self.path = path
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
        self.norm = (K1 * (1 - B + B * lengths / max(avg, 1.0))).astype(np.float32)
        self._terms: OrderedDict[str, _Postings] = OrderedDict()
        self._stored: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._dfs: dict[str, int] = {}
        self._speller: SpellChecker | None = None
        self.results: OrderedDict[tuple[Any, ...], SearchResults] = OrderedDict()
        self.related_cache: dict[int, list[str]] | None = None
        logger.debug("opened search index %s: %d documents", path, self.doc_count)

    def reader(self) -> Any:
        """This thread's Whoosh reader of the generation."""
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = self.ix.reader()
        return reader

    # -- postings -------------------------------------------------------------

    def postings(self, term: str) -> _Postings:
        """The cached postings of ``term`` in ``content`` (empty if absent)."""
        cached = self._terms.get(term)
        if cached is not None:
            return cached
        ids, weights = self._read_postings(term)
        if ids.size:
            keep = self.live[ids]
            ids, weights = ids[keep], weights[keep]
        factor = (weights * (K1 + 1) / (weights + self.norm[ids])).astype(np.float32)
        postings = _Postings(ids, factor)
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
        """BM25's inverse document frequency, at least :data:`IDF_FLOOR`."""
        return max(IDF_FLOOR, math.log(1.0 + (self.doc_count - df + 0.5) / (df + 0.5)))

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


class KnowledgeBase:
    """A search index opened for queries. Create it with :func:`open_index`."""

    def __init__(self, index_dir: str | Path, *, background_swaps: bool = False) -> None:
        """
        Args:
            index_dir: The link :func:`search.build_index` keeps.
            background_swaps: When the index is swapped, keep answering from the open
                generation while a thread opens (and warms) the new one, instead of
                making the next query wait for it. Servers want this: opening and
                warming 2,000 articles takes most of a second.
        """
        self.index_dir = Path(index_dir)
        self.background_swaps = background_swaps
        self._lock = threading.Lock()  # short: installing a generation, caching results
        self._open_lock = threading.Lock()  # held while a generation opens
        self._link_target: str | None = None
        self._gen: _Generation | None = None
        self._failed_target: str | None = None
        self._opening: str | None = None
        self._warm = False
        self._generation()  # fail now, not at the first query, if there is no index

    def __repr__(self) -> str:
        return f"KnowledgeBase({str(self.index_dir)!r})"

    def warm(self) -> None:
        """Build what the first queries would otherwise build: the spelling index (now,
        and for each new generation when the index is swapped)."""
        self._warm = True
        self._generation(wait=True).speller()

    def close(self) -> None:
        """Forget the opened generation (its files close once no thread uses them).
        The next query opens the index again."""
        with self._lock:
            self._gen = None
            self._link_target = None

    # -- generations ------------------------------------------------------------

    def _link(self) -> str:
        try:
            return os.readlink(self.index_dir)
        except OSError:
            return str(self.index_dir.resolve())

    def _generation(self, *, wait: bool = False) -> _Generation:
        """The open generation, after following a swap of the index link.

        With :attr:`background_swaps` (and not ``wait``), a swap is followed by a thread
        and the generation already open answers until the new one is ready.
        """
        target = self._link()
        gen = self._gen
        if gen is not None and target == self._link_target:
            return gen
        if gen is not None and self.background_swaps and not wait:
            if target == self._failed_target:
                return gen
            with self._lock:
                start = self._opening is None
                if start:
                    self._opening = target
            if start:
                threading.Thread(target=self._open_next, name="kb-index-swap", daemon=True).start()
            return gen
        return self._open(target)

    def _open_next(self) -> None:
        try:
            self._open(self._link())
        except Exception:  # a background thread: log it, keep the old generation
            logger.exception("cannot open the new index generation")
        finally:
            with self._lock:
                self._opening = None

    def _open(self, target: str) -> _Generation:
        with self._open_lock:
            current = self._gen
            if current is not None and target == self._link_target:
                return current
            try:
                gen = _Generation(current_generation(self.index_dir))
                if self._warm:
                    gen.speller(previous=current._speller if current is not None else None)
            except (OSError, whoosh_index.EmptyIndexError) as e:
                if current is not None:
                    # A broken swap must not take search down: keep answering from
                    # the generation already open (and say so once per target).
                    if target != self._failed_target:
                        logger.error("cannot open the new index generation: %s", e)
                        self._failed_target = target
                    return current
                raise IndexNotFound(f"cannot open the search index at {self.index_dir}: {e}") from e
            with self._lock:
                self._gen = gen
                self._link_target = target
            return gen

    @property
    def generation(self) -> Path:
        """The generation directory answering queries now (``index_dir`` points to it)."""
        return self._generation().path

    @property
    def doc_count(self) -> int:
        """Number of indexed articles."""
        return self._generation().doc_count

    @property
    def paths(self) -> list[str]:
        """Paths of all indexed articles."""
        gen = self._generation()
        return [p for d, p in enumerate(gen.paths) if gen.live[d]]

    def document(self, path: str) -> dict[str, Any] | None:
        """The stored fields of the article at ``path``, or None."""
        gen = self._generation()
        docnum = gen.path_to_doc.get(path)
        return None if docnum is None else dict(gen.stored(docnum))

    # -- queries ------------------------------------------------------------------

    def query(self, text: str, *, limit: int = 10, section: str | None = None) -> SearchResults:
        """Search for ``text``: any string, from a two-word query to a pasted ticket.

        Never raises on the text. Misspelled words (not in any article, close to a word
        that is) are corrected and the correction reported as ``did_you_mean``.
        ``section`` keeps only that section's articles; ``facets`` count the articles
        per section that score at least :data:`FACET_MIN_SHARE` of the best, without the
        section filter.
        """
        return self._guarded(
            text, lambda: self._run(plan_query(text), limit=limit, section=section)
        )

    def _guarded(self, text: object, run: Callable[[], SearchResults]) -> SearchResults:
        # Query text is untrusted. The analysis is built and fuzzed never to fail on any
        # string, but a search box must not turn a bug into an error page: log, return
        # nothing. A missing index is not the text's fault and still raises.
        try:
            return run()
        except SearchError:
            raise
        except Exception:
            logger.exception("search failed for query %.200r", text)
            return SearchResults(query=clean_query_text(text))

    def query_ticket(
        self,
        subject: str,
        body: str,
        *,
        limit: int = 10,
        section: str | None = None,
        snippets: bool = True,
    ) -> SearchResults:
        """Search for the articles that answer a support ticket.

        Like :meth:`query` on ``subject + "\\n" + body``, with the subject's words
        weighing more and the text always treated as prose (distinctive terms only).
        ``snippets=False`` leaves ``Hit.snippet`` empty: ticket deflection shows
        summaries, and cutting snippets was a tenth of its time.
        """
        return self._guarded(
            subject,
            lambda: self._run(
                plan_ticket(subject, body), limit=limit, section=section, snippets=snippets
            ),
        )

    def key_terms(self, text: str, *, limit: int = MAX_LONG_TERMS) -> list[tuple[str, float]]:
        """The index terms a query for ``text`` would use, heaviest first, with weights
        (query weight times IDF). Useful to see why a ticket found what it found."""
        gen = self._generation()
        plan = plan_query(text)
        self._correct(gen, plan)
        return self._select_terms(gen, plan)[:limit]

    def _run(
        self, plan: QueryPlan, *, limit: int, section: str | None, snippets: bool = True
    ) -> SearchResults:
        limit = max(0, min(int(limit), 100))
        gen = self._generation()
        key = (plan.text, plan.prose, tuple(sorted(plan.terms.items())), limit, section, snippets)
        cached = gen.results.get(key)
        if cached is not None:
            return cached
        did_you_mean = self._correct(gen, plan)
        terms = self._select_terms(gen, plan)
        scores = np.zeros(gen.maxdoc, dtype=np.float32)
        for term, weight in terms:
            postings = gen.postings(term)
            if postings.df:
                scores[postings.ids] += weight * postings.tf_factor
        scores *= gen.boosts
        facets: dict[str, int] = {}
        hits: list[Hit] = []
        best = float(scores.max()) if scores.size else 0.0
        if best > 0.0:
            strong = gen.section_codes[scores >= best * FACET_MIN_SHARE]
            counts = np.bincount(strong[strong >= 0], minlength=len(gen.sections))
            facets = {gen.sections[i]: int(c) for i, c in enumerate(counts) if c}
            if section is not None:
                code = gen.sections.index(section) if section in gen.sections else -2
                scores[gen.section_codes != code] = 0.0
            hits = self._hits(gen, scores, limit, [t for t, _ in terms], snippets=snippets)
        results = SearchResults(
            query=plan.text, hits=hits, did_you_mean=did_you_mean, facets=facets
        )
        with self._lock:
            gen.results[key] = results
            if len(gen.results) > RESULT_CACHE_SIZE:
                gen.results.popitem(last=False)
        return results

    def _hits(
        self,
        gen: _Generation,
        scores: np.ndarray,
        limit: int,
        terms: Sequence[str],
        *,
        snippets: bool = True,
    ) -> list[Hit]:
        matched = int(np.count_nonzero(scores))
        k = min(limit, matched)
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
        # Ties broken by path, so results are stable across builds.
        order = sorted(top.tolist(), key=lambda d: (-float(scores[d]), gen.paths[d]))[:k]
        hits = []
        for docnum in order:
            if scores[docnum] <= 0.0:
                continue
            s = gen.stored(docnum)
            hits.append(
                Hit(
                    path=s["path"],
                    url=s.get("url", ""),
                    title=s.get("title", ""),
                    summary=s.get("summary", ""),
                    snippet=(
                        make_snippet(s.get("body", ""), terms, fallback=s.get("summary", ""))
                        if snippets
                        else ""
                    ),
                    score=float(scores[docnum]),
                    section=s.get("section", ""),
                )
            )
        return hits

    def _correct(self, gen: _Generation, plan: QueryPlan) -> str | None:
        """Add corrections of misspelled words to ``plan``; the corrected text or None."""
        if not plan.words or gen.doc_count == 0:
            return None
        speller = gen.speller()
        corrections: dict[str, str] = {}
        for word in plan.words:
            if word in speller:
                continue
            fixed = speller.correct(word)
            if fixed is not None:
                corrections[word] = fixed
        if not corrections:
            return None
        for word, fixed in corrections.items():
            fixed_plan = plan_query(fixed, prose=plan.prose)
            weight = (
                max((plan.terms.get(t, 0.0) for t in plan_query(word).terms), default=1.0) or 1.0
            )
            for term, w in fixed_plan.terms.items():
                plan.terms[term] = max(plan.terms.get(term, 0.0), w * weight)
        return _replace_words(plan.text, corrections)

    def _select_terms(self, gen: _Generation, plan: QueryPlan) -> list[tuple[str, float]]:
        """(term, weight x IDF) of the plan's terms present in the index, heaviest first.

        For prose, only the :data:`MAX_LONG_TERMS` most distinctive are kept, and terms
        in more than :data:`MAX_LONG_DF_RATIO` of the articles are dropped.
        """
        n = max(gen.doc_count, 1)
        weighted: list[tuple[str, float]] = []
        for term, weight in plan.terms.items():
            df = gen.df(term)
            if df == 0:
                continue
            if (
                plan.prose
                and n >= 50
                and df > MAX_LONG_DF_RATIO * n
                and not term.startswith(SYN_PREFIX)
            ):
                continue
            weighted.append((term, weight * gen.idf(df)))
        weighted.sort(key=lambda tw: (-tw[1], tw[0]))
        if plan.prose:
            weighted = weighted[:MAX_LONG_TERMS]
        return weighted

    # -- related articles -----------------------------------------------------------

    def related(self, path: str, *, limit: int = 5) -> list[str]:
        """Articles related to the one at ``path``: the paths in its ``related`` front
        matter first (those that exist), then the nearest by content. Empty for an
        unknown path."""
        from search.related import related_for

        return related_for(self, path, limit=limit)

    def related_all(self, *, limit: int = 5) -> dict[str, list[str]]:
        """:meth:`related` for every article at once (faster than one by one)."""
        from search.related import related_for

        return {p: related_for(self, p, limit=limit) for p in self.paths}

    # internal access for search.related
    def _current(self) -> _Generation:
        return self._generation()


def _replace_words(text: str, corrections: dict[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        word = m.group()
        fixed = corrections.get(word.casefold())
        if fixed is None:
            return word
        return fixed.capitalize() if word[:1].isupper() and word[1:2].islower() else fixed

    return re.sub(r"\w+", sub, text)


def open_index(
    index_dir: str | Path, *, warm: bool = True, background_swaps: bool = False
) -> KnowledgeBase:
    """Open the search index at ``index_dir`` (the link :func:`search.build_index` keeps).

    With ``warm`` (the default), the spelling index is built now (a fraction of a second)
    rather than by the first query with an unknown word. ``background_swaps``: see
    :class:`KnowledgeBase`.
    Raises :class:`search.IndexNotFound` if there is none.
    """
    kb = KnowledgeBase(index_dir, background_swaps=background_swaps)
    if warm:
        kb.warm()
    return kb

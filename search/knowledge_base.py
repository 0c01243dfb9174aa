"""The long-lived handle on a search index: it follows index swaps and answers queries.

:class:`KnowledgeBase` opens the current :class:`~search.generation.Generation` behind
the index link and moves to the next one when the link is swapped; it turns text into a
query plan (:mod:`search.querying`), corrects spelling, ranks with
:mod:`search.ranking` and returns :class:`~search.results.Hit` objects: for a query, a
ticket (:meth:`KnowledgeBase.query_ticket`), related articles and one article by path.

Thread safety: a :class:`KnowledgeBase` may be shared by threads (see
:mod:`search.generation`). When ``index_dir`` is swapped to a new generation, the next
query notices (one ``readlink``) and moves to it; queries already running finish on the
old one.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index  # type: ignore[import-untyped]

import search.ranking as ranking
from search.analysis import SYN_PREFIX
from search.errors import IndexNotFound, SearchError
from search.generation import Generation
from search.indexing import current_generation
from search.querying import (
    MAX_LONG_DF_RATIO,
    MAX_LONG_TERMS,
    QueryPlan,
    clean_query_text,
    plan_query,
    plan_ticket,
)
from search.related import related_paths
from search.results import Hit, SearchResults
from search.snippets import make_snippet

__all__ = ["KnowledgeBase", "open_index"]

logger = logging.getLogger(__name__)

#: A section is counted in the facets for each article scoring at least this share of
#: the best score: with OR-ed terms nearly every article matches *something*, and
#: counting those would make every facet the size of its section.
FACET_MIN_SHARE = 0.3
#: Recent queries whose results are kept (a search box sends the same ones often).
RESULT_CACHE_SIZE = 512
#: For long text (tickets), how much the best-matching article question adds, as a share
#: of the best article score (see :meth:`KnowledgeBase._add_questions`).
QUESTION_SHARE = 0.25
#: A ticket left with fewer distinctive terms than this keeps its common ones too: "new
#: email for client ... where do I make that? Thanks in advance" must not be searched
#: as "basic advance" (tuning halves: hit@1 up on three sets, down one ticket on one).
MIN_LONG_TERMS = 5


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
        self._gen: Generation | None = None
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
        # The whole path resolved, not one readlink: `kb build`'s index is reached through
        # the release link (.kb/index -> releases/current/index), and only its last hop
        # changes when a release is published.
        return os.path.realpath(self.index_dir)

    def _generation(self, *, wait: bool = False) -> Generation:
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

    def _open(self, target: str) -> Generation:
        with self._open_lock:
            current = self._gen
            if current is not None and target == self._link_target:
                return current
            try:
                gen = Generation(current_generation(self.index_dir))
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
    def generation_name(self) -> str:
        """The name of the generation answering now: a release id for ``kb build``'s."""
        return self._generation().name

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

    def article(self, path: str, *, score: float = 0.0) -> Hit | None:
        """The article at ``path`` as a :class:`Hit` (no snippet), or None."""
        gen = self._generation()
        docnum = gen.path_to_doc.get(path)
        return None if docnum is None else _hit(gen, docnum, score, None)

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
        scores = ranking.score(terms, gen.postings, gen.boosts)
        if plan.prose:
            scores = self._add_questions(gen, plan, terms, scores)
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
        gen: Generation,
        scores: np.ndarray,
        limit: int,
        terms: Sequence[str],
        *,
        snippets: bool = True,
    ) -> list[Hit]:
        return [
            _hit(gen, docnum, float(scores[docnum]), terms if snippets else None)
            for docnum in ranking.top_k(scores, limit, gen.paths)
        ]

    def _correct(self, gen: Generation, plan: QueryPlan) -> str | None:
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

    @staticmethod
    def _add_questions(
        gen: Generation, plan: QueryPlan, terms: list[tuple[str, float]], scores: np.ndarray
    ) -> np.ndarray:
        """``scores`` plus each article's best-question score (:mod:`search.questions`),
        scaled so that the best question adds :data:`QUESTION_SHARE` of the best article
        score: the ranking keeps its scale, and an article's questions can lift it past
        others that only share its words."""
        best = float(scores.max()) if scores.size else 0.0
        if best <= 0.0:
            return scores
        questions = gen.questions().scores(((t, plan.terms[t]) for t, _ in terms), gen.maxdoc)
        top = float(questions.max()) if questions.size else 0.0
        if top <= 0.0:
            return scores
        return scores + (QUESTION_SHARE * best / top) * questions * gen.boosts

    def _select_terms(self, gen: Generation, plan: QueryPlan) -> list[tuple[str, float]]:
        """(term, weight x IDF) of the plan's terms present in the index, heaviest first.

        For prose, only the :data:`MAX_LONG_TERMS` most distinctive are kept, and terms
        in more than :data:`MAX_LONG_DF_RATIO` of the articles are dropped, unless fewer
        than :data:`MIN_LONG_TERMS` would be left.
        """
        n = max(gen.doc_count, 1)
        weighted: list[tuple[str, float]] = []
        common: list[tuple[str, float]] = []
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
                common.append((term, weight * gen.idf(df)))
                continue
            weighted.append((term, weight * gen.idf(df)))
        if plan.prose and len(weighted) < MIN_LONG_TERMS:
            weighted += common
        weighted.sort(key=lambda tw: (-tw[1], tw[0]))
        if plan.prose:
            weighted = weighted[:MAX_LONG_TERMS]
        return weighted

    # -- related articles -----------------------------------------------------------

    def related(self, path: str, *, limit: int = 5) -> list[str]:
        """Articles related to the one at ``path``: the paths in its ``related`` front
        matter first (those that exist), then the nearest by content. Empty for an
        unknown path."""
        return related_paths(self._generation(), path, limit=limit)

    def related_all(self, *, limit: int = 5) -> dict[str, list[str]]:
        """:meth:`related` for every article at once (one generation for all)."""
        gen = self._generation()
        return {
            p: related_paths(gen, p, limit=limit) for d, p in enumerate(gen.paths) if gen.live[d]
        }


def _hit(gen: Generation, docnum: int, score: float, terms: Sequence[str] | None) -> Hit:
    """The :class:`Hit` for a document; a snippet around ``terms`` unless None."""
    s = gen.stored(docnum)
    return Hit(
        path=s["path"],
        url=s.get("url", ""),
        title=s.get("title", ""),
        summary=s.get("summary", ""),
        snippet=(
            make_snippet(s.get("body", ""), terms, fallback=s.get("summary", ""))
            if terms is not None
            else ""
        ),
        score=score,
        section=s.get("section", ""),
    )


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

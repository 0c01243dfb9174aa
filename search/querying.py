"""From untrusted query text to weighted index terms.

No query syntax is parsed: the text goes through the same analysis as the articles
(:mod:`search.analysis`) and becomes a bag of weighted terms, which are OR-ed and
ranked by BM25F. So there is nothing to escape and nothing to abuse: parentheses,
``title:``, ``*a*``, ``[a TO z]``, ``NOT`` are just characters or words. The text is cut
to :data:`MAX_QUERY_CHARS`, and long text (a support ticket) keeps only its
:data:`MAX_LONG_TERMS` most distinctive terms, so every query costs about the same.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

from kb_text import CONTROL_CHARS
from search.analysis import (
    AnalyzedToken,
    TermKind,
    analyze,
    load_filler_words,
    pair_terms,
    words,
)

__all__ = [
    "MAX_QUERY_CHARS",
    "QueryPlan",
    "clean_query_text",
    "plan_query",
]

#: Longer query text is cut (at a word boundary). A ticket's subject and first
#: paragraphs say what it is about; the rest adds cost, not signal.
MAX_QUERY_CHARS = 2000
#: A query with more distinct words than this is treated as prose (a ticket).
SHORT_QUERY_WORDS = 10
#: Terms kept from prose, the most distinctive first.
MAX_LONG_TERMS = 18
#: In prose, a term in more than this share of the articles is dropped.
MAX_LONG_DF_RATIO = 0.5

#: Relative weights of a query term, by where it came from.
PART_WEIGHT = 0.5
"""A part of an identifier also present whole (``php`` of ``php.ini``)."""
IN_SYNONYM_WEIGHT = 0.7
"""A word inside a synonym phrase, whose group term carries the meaning."""
FILLER_WEIGHT = 0.3
"""A filler word (``filler_words.txt``) in prose."""
PERCENT_WEIGHT = 0.1
"""A number written as a percentage ("mailbox full 100%"): how full, not which error."""
PAIR_WEIGHT = 0.1
"""Two neighbouring words of a search-box query, as a pair term
(:func:`search.analysis.pair_terms`), next to one of its words."""
SUBJECT_WEIGHT = 2.0
"""A word of a ticket's subject, next to one of its body."""


def clean_query_text(text: object) -> str:
    """``text`` as a string without control or format characters, at most
    :data:`MAX_QUERY_CHARS` long."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > MAX_QUERY_CHARS:
        cut = text.rfind(" ", 0, MAX_QUERY_CHARS)
        text = text[: cut if cut > MAX_QUERY_CHARS // 2 else MAX_QUERY_CHARS]
    text = CONTROL_CHARS.sub(" ", text)
    if not text.isascii():
        # Drop surrogates and zero-width/format characters (category Cf, Cs).
        text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cs"))
    return text


@dataclass
class QueryPlan:
    """The weighted terms of a query, before they meet the index."""

    text: str
    """The cleaned query text."""
    terms: dict[str, float] = field(default_factory=dict)
    """Index term -> weight."""
    words: list[str] = field(default_factory=list)
    """Its folded unstemmed words, for spelling correction."""
    prose: bool = False
    """Long text: select terms by distinctiveness (see :data:`MAX_LONG_TERMS`)."""

    def add(self, other: QueryPlan, *, scale: float = 1.0) -> None:
        """Add ``other``'s term weights to this plan's, multiplied by ``scale``."""
        for term, weight in other.terms.items():
            self.terms[term] = self.terms.get(term, 0.0) + weight * scale
        self.words.extend(w for w in other.words if w not in self.words)
        self.prose = self.prose or other.prose


def _token_weights(tokens: list[AnalyzedToken], *, prose: bool, text: str = "") -> dict[str, float]:
    exact_spans = {(t.start, t.end) for t in tokens if t.kind is TermKind.EXACT}
    syn_spans = [(t.start, t.end) for t in tokens if t.kind is TermKind.SYNONYM]
    filler = load_filler_words() if prose else frozenset()
    raw: dict[str, float] = {}
    for t in tokens:
        weight = 1.0
        if t.kind is TermKind.WORD:
            if (t.start, t.end) in exact_spans:
                weight *= PART_WEIGHT
            if any(s <= t.start and t.end <= e for s, e in syn_spans):
                weight *= IN_SYNONYM_WEIGHT
            if t.surface in filler:
                weight *= FILLER_WEIGHT
            if t.surface.isdigit() and text[t.end : t.end + 1] == "%":
                weight *= PERCENT_WEIGHT
        raw[t.term] = raw.get(t.term, 0.0) + weight
    # Repeating a word in a query should help, but not as much as a new word.
    return {term: (1.0 + math.log(w) if w > 1.0 else w) for term, w in raw.items()}


def plan_query(text: object, *, prose: bool | None = None) -> QueryPlan:
    """Analyze query ``text`` into a :class:`QueryPlan`.

    ``prose`` forces or forbids treating the text as long prose; by default text with
    more than :data:`SHORT_QUERY_WORDS` distinct words is prose.
    """
    cleaned = clean_query_text(text)
    surface = words(cleaned)
    if prose is None:
        prose = len(set(surface)) > SHORT_QUERY_WORDS
    tokens = analyze(cleaned)
    terms = _token_weights(tokens, prose=prose, text=cleaned)
    if not prose:
        for pair in pair_terms(cleaned):
            terms[pair] = PAIR_WEIGHT
    return QueryPlan(
        text=cleaned,
        terms=terms,
        words=list(dict.fromkeys(surface)),
        prose=prose,
    )


def plan_ticket(subject: object, body: object) -> QueryPlan:
    """A plan for a support ticket: the subject's terms weigh :data:`SUBJECT_WEIGHT`
    times the body's. Treated as prose (distinctive terms only) unless the whole ticket is
    as short as a search query: "email down" must keep the word "email"."""
    prose = len(set(words(clean_query_text(f"{subject}\n{body}")))) > SHORT_QUERY_WORDS
    subject_plan = plan_query(subject, prose=prose)
    body_plan = plan_query(body, prose=prose)
    plan = QueryPlan(text=f"{subject_plan.text}\n{body_plan.text}".strip(), prose=prose)
    plan.add(subject_plan, scale=SUBJECT_WEIGHT)
    plan.add(body_plan)
    return plan

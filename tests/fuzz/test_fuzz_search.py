"""Hostile text against the real index: ``KnowledgeBase.query``, ``query_ticket`` and
``search.deflect.suggest`` never raise, never log an error (the search turns unexpected
exceptions into empty results and logs them), answer quickly, and put no markup in a
snippet but ``<mark>``.

``tests/search/test_hostile.py`` covers ``query`` on a five-article fixture index; these
run on the index of the repository's 60-odd real articles, with ticket-sized texts too.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search import KnowledgeBase, SearchResults
from search.deflect import suggest
from tests.fuzz.invariants import (
    HOSTILE,
    assert_safe_json,
    assert_safe_snippet,
    hostile_text,
    huge_text,
    no_logged_errors,
    timed,
)

SECTIONS = st.one_of(
    st.none(), st.sampled_from(["email", "whm", "../etc", "", "EMAIL", "<b>"]), st.text(max_size=8)
)


def check(results: SearchResults) -> None:
    data = results.to_dict()
    assert all(h.score > 0 for h in results.hits)
    for hit in results.hits:
        assert_safe_snippet(hit.snippet)
    assert_safe_json(data)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(hostile_text(), huge_text(20_000)), section=SECTIONS)
def test_query_any_text(real_kb: KnowledgeBase, text: str, section: str | None) -> None:
    with no_logged_errors(), timed("query"):
        check(real_kb.query(text, section=section))


@settings(max_examples=80, deadline=None)
@given(
    subject=st.one_of(hostile_text(), huge_text(2_000)),
    body=st.one_of(hostile_text(max_size=2_000), huge_text(20_000)),
    limit=st.integers(-5, 200),
)
def test_query_ticket_any_text(real_kb: KnowledgeBase, subject: str, body: str, limit: int) -> None:
    with no_logged_errors(), timed("query_ticket"):
        check(real_kb.query_ticket(subject, body, limit=limit))


@settings(max_examples=80, deadline=None)
@given(
    subject=st.one_of(hostile_text(), huge_text(2_000)),
    body=st.one_of(hostile_text(max_size=2_000), huge_text(20_000)),
)
def test_suggest_any_ticket(real_kb: KnowledgeBase, subject: str, body: str) -> None:
    with no_logged_errors(), timed("suggest"):
        data = suggest(subject, body, kb=real_kb).to_dict()
    assert len(data["articles"]) <= 5
    assert data["confidence"] in ("high", "low", "none")
    assert data["priority"] in ("critical", "high", "medium", "low")
    assert_safe_json(data)


def test_every_hostile_fragment_as_query_ticket_and_suggestion(real_kb: KnowledgeBase) -> None:
    for text in HOSTILE:
        with no_logged_errors(), timed(repr(text)):
            check(real_kb.query(text))
            check(real_kb.query(f"mail {text} quota"))
            check(real_kb.query_ticket(text, text * 50))
            assert_safe_json(suggest(text, f"my mailbox is full {text}", kb=real_kb).to_dict())

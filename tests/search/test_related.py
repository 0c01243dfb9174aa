"""Related articles: declared first, then nearest by content."""

from __future__ import annotations

from collections.abc import Callable

from search import Document, KnowledgeBase
from search.related import declared_first


def test_declared_related_come_first(kb: KnowledgeBase) -> None:
    assert kb.related("whm/ssl-autossl.md", limit=1) == ["hosting/htaccess.md"]


def test_nearest_by_content(build_kb: Callable[..., KnowledgeBase]) -> None:
    docs = [
        Document(
            path="e/a.md",
            url="",
            title="Bounce messages",
            summary="",
            body="bounce ndr 550 mailbox",
            section="e",
        ),
        Document(
            path="e/b.md",
            url="",
            title="Bounces from Gmail",
            summary="",
            body="bounce 550 gmail mailbox",
            section="e",
        ),
        Document(
            path="w/c.md",
            url="",
            title="AutoSSL",
            summary="",
            body="certificate autossl domain",
            section="w",
        ),
        Document(
            path="w/d.md",
            url="",
            title="Custom SSL",
            summary="",
            body="certificate csr install",
            section="w",
        ),
    ]
    kb = build_kb(docs)
    assert kb.related("e/a.md", limit=1) == ["e/b.md"]
    assert kb.related("w/d.md", limit=1) == ["w/c.md"]
    everything = kb.related_all(limit=2)
    assert set(everything) == {d.path for d in docs}
    assert all(path not in related for path, related in everything.items())


def test_unknown_path_and_zero_limit(kb: KnowledgeBase) -> None:
    assert kb.related("nope.md") == []
    assert kb.related("email/bounces-ndr.md", limit=0) == []
    assert len(kb.related("email/bounces-ndr.md", limit=3)) <= 3


def test_declared_first_is_the_one_rule() -> None:
    """Declared (existing, in order), then nearest; never the article, no repeats, limited."""
    known = {"a.md", "b.md", "c.md", "d.md"}
    assert declared_first(
        "a.md", ["c.md", "gone.md", "a.md"], ["b.md", "c.md", "d.md"], limit=3, known=known
    ) == ["c.md", "b.md", "d.md"]
    assert declared_first("a.md", ["d.md", "c.md"], ["b.md"], limit=1, known=known) == ["d.md"]
    assert declared_first("a.md", ["b.md"], [], limit=0, known=known) == []

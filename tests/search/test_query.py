"""Queries: hits, snippets, did-you-mean, facets, section filter, tickets, the module API."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import search
from search import Document, KnowledgeBase
from search.querying import plan_query


def test_hits_carry_the_article_fields(kb: KnowledgeBase) -> None:
    hit = kb.query("mail comes back").hits[0]
    assert (hit.path, hit.url, hit.title, hit.section) == (
        "email/bounces-ndr.md",
        "email/bounces-ndr/",
        "Understanding bounce messages",
        "email",
    )
    assert hit.summary == "Read a bounce: who rejected the mail and why."
    assert hit.score > 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mail comes back", "email/bounces-ndr.md"),
        ("NDR", "email/bounces-ndr.md"),
        ("550 5.1.1", "email/bounces-ndr.md"),
        ("vacation reply", "email/autoresponders.md"),
        ("away message", "email/autoresponders.md"),
        ("free ssl", "whm/ssl-autossl.md"),
        ("Let's Encrypt", "whm/ssl-autossl.md"),
        ("ERR_TOO_MANY_REDIRECTS", "hosting/htaccess.md"),
        ("too many redirects", "hosting/htaccess.md"),
        ("php.ini", "hosting/htaccess.md"),
        ("5.7.26", "hosting/htaccess.md"),
        ("second website", "cpanel/addon-subdomains.md"),
        ("587", "cpanel/addon-subdomains.md"),
        ("cafe", "whm/ssl-autossl.md"),
    ],
)
def test_queries_find_the_article(kb: KnowledgeBase, query: str, expected: str) -> None:
    assert kb.query(query).paths[0] == expected


def test_snippets_are_escaped_and_highlighted(kb: KnowledgeBase) -> None:
    snippet = kb.query("typos <before> support").hits[0].snippet
    assert "&lt;<mark>before</mark>&gt;" in snippet and "<before>" not in snippet
    assert "<mark>typos</mark>" in snippet


def test_query_text_with_markup_is_never_echoed_raw(kb: KnowledgeBase) -> None:
    results = kb.query('<script>alert("x")</script> bounce')
    for hit in results.hits:
        assert "<script>" not in hit.snippet
        assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_snippet_marks_synonym_phrases(kb: KnowledgeBase) -> None:
    assert "<mark>mail comes back</mark>" in kb.query("bounce").hits[0].snippet


def test_misspelled_words_are_corrected_from_the_index(kb: KnowledgeBase) -> None:
    results = kb.query("autossl faild")
    assert results.did_you_mean == "autossl failed"
    assert results.paths[0] == "whm/ssl-autossl.md"
    assert kb.query("certficate").did_you_mean == "certificate"


def test_no_did_you_mean_for_correct_or_real_words(kb: KnowledgeBase) -> None:
    assert kb.query("autossl failed").did_you_mean is None
    # "stuff" is English, though no article uses it: it is not "corrected" to anything.
    assert kb.query("quick stuff").did_you_mean is None


def test_facets_count_sections_without_the_filter(kb: KnowledgeBase) -> None:
    results = kb.query("email autoresponder bounce", section="email")
    assert results.facets.get("email") == 2
    assert all(h.section == "email" for h in results.hits)


def test_section_filter(kb: KnowledgeBase) -> None:
    assert kb.query("domain", section="whm").paths == ["whm/ssl-autossl.md"]
    assert kb.query("domain", section="nope").paths == []


def test_limit(kb: KnowledgeBase) -> None:
    assert len(kb.query("domain mail", limit=1)) == 1
    assert kb.query("domain", limit=0).hits == []


def test_empty_results(kb: KnowledgeBase) -> None:
    results = kb.query("zzzzqqq")
    assert (results.hits, results.facets, results.did_you_mean) == ([], {}, None)


def test_to_dict_is_json_ready(kb: KnowledgeBase) -> None:
    data = kb.query("mail comes back", limit=1).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"query", "did_you_mean", "results", "facets"}
    assert set(data["results"][0]) == {"path", "url", "title", "summary", "snippet", "score"}


def test_boost_multiplies_the_score(build_kb: Callable[..., KnowledgeBase]) -> None:
    docs = [
        Document(
            path="a/one.md", url="a/one/", title="Backups", summary="", body="backup", section="a"
        ),
        Document(
            path="a/two.md",
            url="a/two/",
            title="Backups",
            summary="",
            body="backup",
            section="a",
            boost=2.0,
        ),
    ]
    results = build_kb(docs).query("backups")
    assert results.paths == ["a/two.md", "a/one.md"]
    assert results.hits[0].score == pytest.approx(2 * results.hits[1].score)


def test_query_ticket_weights_the_subject(kb: KnowledgeBase) -> None:
    results = kb.query_ticket(
        "autoresponder still answering",
        "Hello, we came back from holiday but the automatic reply still goes out. "
        "Also, some mail comes back sometimes, but that is not urgent. Thanks!",
    )
    assert results.paths[0] == "email/autoresponders.md"


def test_long_ticket_prose_with_a_pasted_error(kb: KnowledgeBase) -> None:
    body = (
        "Hi team, hope you are well. I have been trying all morning to send an invoice to a "
        "customer and I keep trying again and again but it still does not work, I tried from "
        "my phone and from my laptop too, and my colleague tried as well. The error says: "
        "550 5.1.1 <billing@customer.example>: Recipient address rejected: User unknown. "
    ) * 3
    assert kb.query(body).paths[0] == "email/bounces-ndr.md"


def test_key_terms_pick_distinctive_words(kb: KnowledgeBase) -> None:
    terms = [t for t, _ in kb.key_terms("please help, the 550 5.1.1 error keeps coming, thanks")]
    assert "5.1.1" in terms and "help" not in terms and "thank" not in terms


def test_the_shared_knowledge_base_uses_kb_index_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docs: tuple[Document, ...]
) -> None:
    search.build_index(docs, tmp_path / "ix")
    monkeypatch.setenv("KB_INDEX_DIR", str(tmp_path / "ix"))
    kb = search.get_knowledge_base()
    assert kb.query("mail comes back", limit=1).paths == ["email/bounces-ndr.md"]
    assert search.get_knowledge_base(tmp_path / "ix") is kb  # opened once
    assert (
        search.get_knowledge_base(tmp_path / "ix").query("vacation reply").paths[0]
        == "email/autoresponders.md"
    )


def test_open_index_without_an_index_raises_index_not_found(tmp_path: Path) -> None:
    with pytest.raises(search.IndexNotFound, match="no search index at"):
        search.open_index(tmp_path / "missing")
    with pytest.raises(FileNotFoundError):  # IndexNotFound is also a FileNotFoundError
        search.open_index(tmp_path / "missing")


def test_a_question_in_front_matter_finds_its_article(
    build_kb: Callable[..., KnowledgeBase],
) -> None:
    """Customers' own words, written as the article's ``questions``, are searched."""
    docs = [
        Document(
            path="email/deliverability.md",
            url="email/deliverability/",
            title="Authenticating outgoing mail",
            summary="SPF, DKIM and DMARC records.",
            body="Publish the records in the zone.",
            section="email",
            questions=("Why do my messages land in my customer's junk folder?",),
        ),
        Document(
            path="email/filters.md",
            url="email/filters/",
            title="Filtering incoming mail",
            summary="Rules for what arrives.",
            body="Move messages to a folder.",
            section="email",
        ),
    ]
    assert build_kb(docs).query("messages land in junk folder").paths[0] == (
        "email/deliverability.md"
    )


def test_a_percentage_says_how_full_not_which_error(build_kb: Callable[..., KnowledgeBase]) -> None:
    # "100" as an error code or a limit is a strong term; "100%" is how full something is.
    docs = [
        Document(
            path="mail/quota.md",
            url="mail/quota/",
            title="Mailbox quota",
            summary="",
            body="A mailbox that is full refuses new mail.",
            section="mail",
        ),
        Document(
            path="whm/limits.md",
            url="whm/limits/",
            title="Hourly limits",
            summary="",
            body="Mail is refused: 100/100 (100) sent; raise the limit of 100 per hour.",
            section="whm",
        ),
    ]
    kb = build_kb(docs)
    assert kb.query("mailbox full 100%").paths[0] == "mail/quota.md"
    assert kb.query("limit 100").paths[0] == "whm/limits.md"
    assert kb.query("refused 100%").paths[0] == "whm/limits.md"  # still found, by its words
    assert plan_query("full 100%").terms["100"] < plan_query("full 100").terms["100"]


PAIR_DOCS = [
    Document(
        path="email/not-receiving.md",
        url="email/not-receiving/",
        title="Incoming mail",
        summary="",
        body="Check the MX records and the delivery log.",
        section="email",
        keywords=("not getting emails",),
    ),
    Document(
        path="email/quota.md",
        url="email/quota/",
        title="Mailbox storage",
        summary="",
        body="Check the folder sizes and the storage log.",
        section="email",
        keywords=("get more space", "old emails"),
        boost=1.05,  # favoured a little: without the pair, it would rank first
    ),
]


def test_a_query_saying_a_keyword_in_its_order_finds_that_article(
    build_kb: Callable[..., KnowledgeBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two neighbouring words of a query that are neighbours in an article's keywords
    count more than the same words apart (``search.analysis.pair_terms``)."""
    kb = build_kb(PAIR_DOCS)
    assert kb.query("not getting emails").paths[0] == "email/not-receiving.md"
    assert "pair:get_email" in plan_query("not getting emails").terms
    # Without the pair, the words alone rank the other article first.
    monkeypatch.setattr("search.querying.PAIR_WEIGHT", 0.0)
    assert kb.query("not getting any emails").paths[0] == "email/quota.md"


def test_pairs_do_not_lengthen_an_article(
    build_kb: Callable[..., KnowledgeBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pair term has frequency 0: BM25 sees every article as long as its words make it,
    so the scores of every other term are what they were without pairs."""
    with_pairs = build_kb(PAIR_DOCS, name="with-pairs")._generation()
    monkeypatch.setattr("search.indexing.PAIR_REGIONS", frozenset())
    without = build_kb(PAIR_DOCS, name="without-pairs")._generation()
    assert with_pairs.df("pair:get_email") == 1
    assert without.df("pair:get_email") == 0
    assert with_pairs.norm.tolist() == without.norm.tolist()

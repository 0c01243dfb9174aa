"""Question-level scoring: an article's best-matching question counts as a passage."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from search import Document, KnowledgeBase, knowledge_base
from search.analysis import index_terms


def doc(path: str, questions: tuple[str, ...], body: str = "Steps in cPanel.") -> Document:
    return Document(
        path=path,
        url=path.removesuffix(".md") + "/",
        title=path.split("/")[-1].removesuffix(".md").replace("-", " ").title(),
        summary="",
        body=body,
        section=path.split("/")[0],
        questions=questions,
    )


def terms(text: str) -> list[tuple[str, float]]:
    return [(t, 1.0) for t in dict.fromkeys(index_terms(text)[0])]


def test_the_best_question_counts_not_the_sum(build_kb: Callable[..., KnowledgeBase]) -> None:
    kb = build_kb(
        [
            doc("email/junk.md", ("Why do my invoices land in my customer's junk folder?",)),
            doc(
                "email/other.md",
                ("Where are my invoices?", "How big can a folder be?", "Who is my customer?"),
            ),
        ]
    )
    gen = kb._generation()
    scores = gen.questions().scores(terms("invoices junk folder customer"), gen.maxdoc)
    junk, other = gen.path_to_doc["email/junk.md"], gen.path_to_doc["email/other.md"]
    assert scores[junk] > scores[other] > 0


def test_the_best_question_adds_its_share_of_the_best_score(
    build_kb: Callable[..., KnowledgeBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "Mail, folders, invoices and customers: the settings for each mailbox."
    docs = [
        doc("email/filters.md", (), body=body + " A filter moves mail to a folder."),
        doc(
            "email/deliverability.md",
            ("Why do my invoices land in my customer's junk folder?",),
            body=body,
        ),
    ]
    subject = "invoices"
    ticket = (
        "Hello, every invoice we send lands in the customer's junk folder, since Monday. "
        "It worked before and nothing changed on our side as far as I know. Thanks"
    )
    monkeypatch.setattr(knowledge_base, "QUESTION_SHARE", 0.0)
    without = build_kb(docs, name="without").query_ticket(subject, ticket)
    monkeypatch.setattr(knowledge_base, "QUESTION_SHARE", 0.25)
    with_questions = build_kb(docs, name="with").query_ticket(subject, ticket)
    assert without.paths[0] == with_questions.paths[0] == "email/deliverability.md"
    assert with_questions.hits[0].score == pytest.approx(1.25 * without.hits[0].score)
    # The article without questions keeps its score.
    assert with_questions.hits[1].score == pytest.approx(without.hits[1].score)


def test_no_questions_no_question_scores(build_kb: Callable[..., KnowledgeBase]) -> None:
    kb = build_kb([doc("email/a.md", ()), doc("email/b.md", ())])
    gen = kb._generation()
    assert gen.questions().count == 0
    assert not gen.questions().scores(terms("mail folder"), gen.maxdoc).any()

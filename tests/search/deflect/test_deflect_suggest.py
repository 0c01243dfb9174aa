"""suggest() and run_suggest_batch() on a small real index."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest

import search
from search.batch import run_suggest_batch
from search.deflect import suggest
from search.deflect.policy import Learned, default_policy
from search.documents import Document


def doc(path: str, title: str, summary: str, body: str) -> Document:
    section = path.split("/")[0]
    return Document(
        path=path,
        url=path.removesuffix(".md") + "/",
        title=title,
        summary=summary,
        body=body,
        section=section,
    )


DOCS = [
    doc(
        "email/bounces-ndr.md",
        "Understanding bounce messages",
        "Read a bounce message and find why your email came back.",
        "A bounce or non-delivery report arrives when mail cannot be delivered. 550 5.1.1 user unknown "  # noqa: E501
        "means the address does not exist. 552 message size exceeds fixed limit means the message is too big. "  # noqa: E501
        * 5,
    ),
    doc(
        "cpanel/php-settings.md",
        "Changing PHP settings",
        "Raise PHP limits such as max_execution_time and memory_limit.",
        "Use the MultiPHP INI Editor to change max_execution_time, memory_limit and upload_max_filesize. "  # noqa: E501
        "Fatal error: Maximum execution time of 30 seconds exceeded. " * 5,
    ),
    doc(
        "support/scope.md",
        "What our support covers",
        "What technical support covers and what it does not: design, custom code, plugins.",
        "Our technical support covers the hosting service. Website design, custom coding and third-party "  # noqa: E501
        "plugins are outside it; end customers of resellers contact their reseller. " * 5,
    ),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Any:
    index = tmp_path_factory.mktemp("small") / "index"
    search.build_index(DOCS, index)
    return search.open_index(index)


def test_pasted_error_finds_the_article(kb: Any) -> None:
    s = suggest(
        "import dies",
        "Fatal error: Maximum execution time of 30 seconds exceeded in import.php",
        kb=kb,
    )
    assert [a.path for a in s.articles][:1] == ["cpanel/php-settings.md"]
    assert s.confidence in ("high", "low")
    assert s.to_dict()["articles"][0] == {
        "path": "cpanel/php-settings.md",
        "url": "cpanel/php-settings/",
        "title": "Changing PHP settings",
        "summary": "Raise PHP limits such as max_execution_time and memory_limit.",
        "score": round(s.articles[0].score, 3),
    }


def test_none_only_when_nothing_matches(kb: Any) -> None:
    s = suggest("qwxz", "zzyzx vvkqp", kb=kb)
    assert (s.articles, s.confidence) == ((), "none")


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("email down", ""),
        ("", "can't log in"),
        ("support pin", "where do I find it?"),
        ("phone?", "how do I reach you by phone"),
        ("thanks", "thank you to the agent who helped me yesterday"),
        ("help", "website not loading"),
    ],
)
def test_one_line_hosting_tickets_always_get_articles(
    repo_kb: Any, subject: str, body: str
) -> None:
    # Confidence changes how the widget presents suggestions, not whether there are any.
    s = suggest(subject, body, kb=repo_kb)
    assert s.articles, (subject, body)
    assert s.confidence in ("high", "low")


def test_excluded_request_gets_scope_article_and_message(kb: Any) -> None:
    s = suggest("logo", "Could you design a logo for my bakery? Happy to pay.", kb=kb)
    assert s.out_of_scope is not None and s.out_of_scope.reason == "website-design"
    assert s.articles[0].path == "support/scope.md"
    assert s.channel.recommended == "ticket"


def test_result_shape(kb: Any) -> None:
    # The rules alone, so the reason's wording is fixed here; the learned model's
    # reasons are tested in test_deflect_model.py.
    rules_only = dataclasses.replace(default_policy(), learned=Learned())
    data = suggest(
        "mail comes back",
        "550 5.1.1 user unknown when I write to a client",
        kb=kb,
        policy=rules_only,
    ).to_dict()
    assert list(data) == [
        "articles",
        "confidence",
        "priority",
        "priority_reason",
        "out_of_scope",
        "secrets",
        "channel",
    ]
    assert data["priority"] == "medium"
    assert data["priority_reason"].endswith('Matched "mail comes back".')
    assert data["out_of_scope"] is None and data["secrets"] == []
    assert set(data["channel"]) == {"recommended", "message"}


def test_long_and_hostile_text_is_handled(kb: Any) -> None:
    hostile = (
        "*a* body:[a TO z] NOT x (((" * 2000
        + "<script>alert(1)</script> 552 message size exceeds fixed limit"
    )
    s = suggest(hostile, hostile, kb=kb)
    assert s.priority in ("critical", "high", "medium", "low")


def test_batch_writes_one_line_per_input_in_order(kb: Any, tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"id": "a", "subject": "bounce", "body": "552 message size exceeds fixed limit"}
        ),
        "",
        "{not json",
        json.dumps({"id": 7, "subject": "x"}),
        json.dumps(["a list"]),
        json.dumps({"id": "b", "subject": "php", "body": "max_execution_time exceeded"}),
    ]
    out = io.StringIO()
    errors = run_suggest_batch(lines, out, kb)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert errors == 3
    assert [r["id"] for r in rows] == ["a", None, 7, None, "b"]
    assert rows[0]["articles"][0]["path"] == "email/bounces-ndr.md"
    assert rows[1] == {
        "id": None,
        "error": "line 3: not valid JSON: Expecting property name enclosed in double quotes",
    }
    assert rows[2] == {"id": 7, "error": "line 4: expected string fields 'subject' and 'body'"}
    assert rows[3] == {"id": None, "error": "line 5: expected a JSON object"}
    assert list(rows[4])[:2] == ["id", "articles"]

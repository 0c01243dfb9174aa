"""The library side of kb search --json [--batch]."""

from __future__ import annotations

import io
import json

from search import KnowledgeBase
from search.batch import run_batch, search_dict


def test_batch_writes_one_line_per_input_in_order(kb: KnowledgeBase) -> None:
    lines = [
        json.dumps({"id": 1, "query": "mail comes back"}),
        "",
        json.dumps({"id": "b", "query": "autossl faild"}),
        "not json",
        json.dumps({"id": 3}),
        json.dumps({"id": 4, "query": "((((*a*"}),
    ]
    out = io.StringIO()
    errors = run_batch(lines, out, kb, limit=2)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert errors == 2
    assert [r["id"] for r in rows] == [1, "b", None, 3, 4]
    assert rows[0]["results"][0]["path"] == "email/bounces-ndr.md"
    assert set(rows[0]) == {"id", "query", "did_you_mean", "results"}
    assert set(rows[0]["results"][0]) == {"path", "url", "title", "summary", "snippet", "score"}
    assert rows[1]["did_you_mean"] == "autossl failed"
    assert rows[2]["error"].startswith("expected a JSON object, got invalid JSON")
    assert rows[3]["error"] == "'query': expected a string, got null"
    assert rows[4]["results"] == []


def test_search_dict(kb: KnowledgeBase) -> None:
    data = search_dict(kb, "vacation reply", limit=1)
    assert data["results"][0]["path"] == "email/autoresponders.md"
    assert data["facets"] == {"email": 1}

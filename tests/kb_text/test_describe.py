"""One way to quote a received value, for front-matter problems and policy problems alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from kb_builder.core.articles import load_articles
from kb_builder.core.checks import CheckOptions, check_articles
from kb_text import describe
from search.deflect.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        (None, "nothing"),
        (True, "true"),
        (False, "false"),
        (dt.date(2025, 1, 31), "2025-01-31"),
        ({"a": 1}, "a mapping"),
        ("email", "'email'"),
        ("x" * 61, repr("x" * 57 + "...")),
        (3, "3"),
        (["email"], "['email']"),
        # A problem quotes a few items of a long value, never the whole of it.
        (list(range(40)), "[0, 1, 2, 3, 4, 5, ...]"),
    ],
)
def test_describe(value: object, quoted: str) -> None:
    assert describe(value) == quoted


def test_front_matter_and_policy_quote_a_yaml_true_alike(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "email").mkdir(parents=True)
    (docs / "email" / "quota.md").write_text(
        "---\ntitle: true\nsummary: Full.\ntags: [email]\n---\n\nx\n", encoding="utf-8"
    )
    problems = check_articles(load_articles(docs, sections=["email"]), CheckOptions())
    assert [p.message for p in problems] == ["'title': expected a non-empty string, got true"]

    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    data["channel"]["chat"]["max_words"] = True
    policy = tmp_path / "policy.yml"
    policy.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(policy)
    assert caught.value.problems == [
        "'channel.chat.max_words': expected a non-negative integer, got true"
    ]

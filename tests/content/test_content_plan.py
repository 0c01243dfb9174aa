"""The starter knowledge base: every planned article exists, is complete and is listed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kb_builder.core.articles import load_articles
from kb_builder.core.markdown_text import plain_text
from tests.conftest import REPO

PLAN_CANDIDATES = [
    REPO.parent / "shared" / "content-plan.yml",
    Path("/work/shared/content-plan.yml"),
]
MIN_WORDS = 250


def content_plan() -> list[dict[str, str]]:
    for candidate in PLAN_CANDIDATES:
        if candidate.is_file():
            return yaml.safe_load(candidate.read_text())["articles"]
    pytest.fail(f"the content plan is missing (looked at {PLAN_CANDIDATES})")


PLAN = content_plan()
ARTICLES = {a.rel_path: a for a in load_articles(REPO / "docs")}


@pytest.mark.parametrize("entry", PLAN, ids=[e["path"] for e in PLAN])
def test_planned_article_exists_and_is_complete(entry):
    rel = entry["path"].removeprefix("docs/")
    article = ARTICLES.get(rel)
    assert article is not None, f"{entry['path']} is missing"
    assert article.front is not None, article.front_error
    meta = article.meta
    assert isinstance(meta.get("title"), str) and meta["title"].strip()
    assert isinstance(meta.get("summary"), str) and 0 < len(meta["summary"]) <= 200
    assert isinstance(meta.get("tags"), list) and meta["tags"]
    words = len(re.findall(r"\w+", plain_text(article.body)))
    assert words >= MIN_WORDS, f"{entry['path']}: {words} words"
    assert "## Still stuck?" in article.body


def test_no_two_articles_share_a_title():
    titles = [a.title.casefold() for a in ARTICLES.values() if a.is_article]
    assert len(titles) == len(set(titles))


def test_articles_name_no_company():
    # The brand comes from extra: in mkdocs.yml, so another host can reuse the content.
    policy = REPO.parent / "shared" / "support-policy.txt"
    brand = "AltusHost"
    if policy.is_file():
        assert brand in policy.read_text()
    offenders = [p for p, a in ARTICLES.items() if brand.lower() in a.text.lower()]
    assert offenders == []


def test_every_article_appears_in_its_section_listing(built_kb):
    site = built_kb / "site"
    missing = []
    for rel, article in ARTICLES.items():
        if not article.is_article or article.section is None or article.draft:
            continue
        landing = (site / article.section / "index.html").read_text()
        href = f'href="{Path(rel).stem}/"'
        if href not in landing:
            missing.append(rel)
    assert missing == []
    assert len([a for a in ARTICLES.values() if a.is_article]) >= len(PLAN)

"""The knowledge base: every planned article exists, is complete and is listed, and every
"Still stuck?" section follows the support policy (priority levels, the end-customer route)."""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

import pytest
import yaml

from kb_builder.core.articles import load_articles
from kb_builder.core.markdown_text import plain_text
from tests.conftest import REPO

# The shared folder holds the content plan and the support policy. It sits next to the
# repository by default; KB_SHARED_DIR points elsewhere (CI, another checkout layout).
SHARED = Path(os.environ.get("KB_SHARED_DIR") or REPO.parent / "shared")
PLAN_FILE = SHARED / "content-plan.yml"
PLAN_LISTS = ("articles", "second_wave")
MIN_WORDS = 250

END_CUSTOMER_PAGE = "support/for-customers-of-resellers.md"
PRIORITIES_PAGE = "support/priorities.md"
RESELLERS_MARKER = "**Resellers:**"
LEVELS = ("Critical", "High", "Medium", "Low")
AUDIENCES = ("reseller", "both", "end-customer")
BOLD_LEVEL = re.compile(rf"\*\*({'|'.join(LEVELS)})\*\*")
# "One site down: **Critical**": one account is never a complete outage (priority guide).
ONE_ACCOUNT_CRITICAL = re.compile(
    r"\b(?:one|a single)\s+(?:client'?s?\s+)?"
    r"(?:site|website|account|mailbox|domain|shop|certificate|database)\b"
    r"[^.*]{0,80}?\*\*Critical\*\*",
    re.I,
)


def content_plan() -> list[dict[str, str]]:
    if not PLAN_FILE.is_file():
        pytest.fail(f"the content plan is missing (looked at {PLAN_FILE}; set KB_SHARED_DIR)")
    data = yaml.safe_load(PLAN_FILE.read_text())
    entries: list[dict[str, str]] = []
    for key in PLAN_LISTS:
        assert isinstance(data.get(key), list) and data[key], f"{PLAN_FILE}: no `{key}` list"
        entries.extend(data[key])
    return entries


PLAN = content_plan()
ARTICLES = {a.rel_path: a for a in load_articles(REPO / "docs")}
PUBLISHED = {rel: a for rel, a in ARTICLES.items() if a.is_article and not a.draft}


def still_stuck(body: str) -> str | None:
    """The text of the `## Still stuck?` section, up to the next level-2 heading."""
    match = re.search(r"^## Still stuck\?[ \t]*$(.*?)(?=^## |\Z)", body, re.M | re.S)
    return match.group(1) if match else None


def link_targets(rel_path: str, text: str) -> set[str]:
    """The docs-relative paths of the Markdown links in ``text`` (anchors dropped)."""
    base = posixpath.dirname(rel_path)
    targets = set()
    for target in re.findall(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0]
        targets.add(posixpath.normpath(posixpath.join(base, path)))
    return targets


def test_plan_covers_both_lists():
    paths = [e["path"] for e in PLAN]
    assert len(paths) == 77, f"{len(paths)} planned paths, expected 77 (articles + second_wave)"
    assert len(set(paths)) == len(paths), "a path is planned twice"
    titles = [e["title"].casefold() for e in PLAN]
    assert len(set(titles)) == len(titles), "a title is planned twice"


@pytest.mark.parametrize("entry", PLAN, ids=[e["path"] for e in PLAN])
def test_planned_article_exists_and_is_complete(entry):
    rel = entry["path"].removeprefix("docs/")
    article = ARTICLES.get(rel)
    assert article is not None, f"{entry['path']} is missing"
    assert article.front is not None, article.front_error
    assert not article.draft, f"{entry['path']} is a draft: it is not published or checked"
    meta = article.meta
    assert isinstance(meta.get("title"), str) and meta["title"].strip()
    assert meta["title"] == entry["title"], f"{entry['path']}: title differs from the plan"
    assert isinstance(meta.get("summary"), str) and 0 < len(meta["summary"]) <= 200
    assert isinstance(meta.get("tags"), list) and meta["tags"]
    words = len(re.findall(r"\w+", plain_text(article.body)))
    assert words >= MIN_WORDS, f"{entry['path']}: {words} words"
    assert "## Still stuck?" in article.body


ROUTE_ARTICLES = sorted(
    rel
    for rel, a in PUBLISHED.items()
    if a.audience in ("both", "end-customer") and rel != END_CUSTOMER_PAGE
)


def test_policy_checks_have_articles_to_check():
    # The tests below are parametrized over the published articles; an empty or shrunken
    # list would make them pass by skipping. An audience the route test does not know
    # (a typo such as "Both") would silently take an article out of it.
    assert len(PUBLISHED) >= len(PLAN)
    assert ROUTE_ARTICLES, "no article for both audiences or end customers"
    odd = {rel: a.audience for rel, a in PUBLISHED.items() if a.audience not in AUDIENCES}
    assert odd == {}


@pytest.mark.parametrize("rel", ROUTE_ARTICLES)
def test_still_stuck_routes_end_customers_to_their_reseller(rel):
    # Policy 5c: a reseller's end customers are supported by the reseller. Every article
    # an end customer may read sends them to the company they pay, and tells the reseller
    # what to send us.
    section = still_stuck(PUBLISHED[rel].body)
    assert section is not None, f"{rel}: no '## Still stuck?' section"
    assert END_CUSTOMER_PAGE in link_targets(rel, section), (
        f"{rel}: 'Still stuck?' does not link {END_CUSTOMER_PAGE}"
    )
    assert RESELLERS_MARKER in section, f"{rel}: 'Still stuck?' has no {RESELLERS_MARKER} block"


@pytest.mark.parametrize("rel", sorted(PUBLISHED))
def test_still_stuck_names_a_priority(rel):
    # Holds for every section, support pages included: the level of the usual case and of
    # the wider case, in bold, and a link to the page that explains them.
    section = still_stuck(PUBLISHED[rel].body)
    assert section is not None, f"{rel}: no '## Still stuck?' section"
    levels = set(BOLD_LEVEL.findall(section))
    assert len(levels) >= 2, (
        f"{rel}: 'Still stuck?' names {sorted(levels) or 'no'} priority in bold; it needs "
        "the usual case and the wider case (e.g. one site **Medium**, all sites **Critical**)"
    )
    if rel != PRIORITIES_PAGE:
        assert PRIORITIES_PAGE in link_targets(rel, section), (
            f"{rel}: 'Still stuck?' does not link {PRIORITIES_PAGE}"
        )


@pytest.mark.parametrize("rel", sorted(PUBLISHED))
def test_still_stuck_never_rates_one_account_critical(rel):
    # Breadth decides: one account is Medium even when its one site is fully down. This
    # catches the plain phrasings ("one site down: **Critical**"), not every wording.
    section = still_stuck(PUBLISHED[rel].body) or ""
    found = [m.group(0) for m in ONE_ACCOUNT_CRITICAL.finditer(section)]
    assert found == [], f"{rel}: one account labelled Critical: {found}"


def test_end_customer_page_exists():
    assert END_CUSTOMER_PAGE in PUBLISHED
    assert PUBLISHED[END_CUSTOMER_PAGE].audience == "end-customer"


def test_no_two_articles_share_a_title():
    titles = [a.title.casefold() for a in ARTICLES.values() if a.is_article]
    assert len(titles) == len(set(titles))


def test_articles_name_no_company():
    # The brand comes from extra: in mkdocs.yml, so another host can reuse the content.
    policy = SHARED / "support-policy.txt"
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

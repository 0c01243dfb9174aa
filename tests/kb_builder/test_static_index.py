"""Material's search_index.json, as a built site has it: the articles' keywords, questions
and synonyms for the static host's search, and kb-search.js loaded before Material's
bundle (it holds back the lunr worker where the API answers)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kb_builder.core.static_index import FIELD_BOOSTS, static_terms
from tests.conftest import article

BOUNCES = article(
    "Bounced email",
    "A message you sent was returned to you.\n\n## Reading the error\n\nLook at the code.",
    extra_front="keywords: [mail comes back, message returned to me]\n"
    "questions: ['Why did my email > 10 MB come back?', 'What is a mailer daemon?']\n"
    "search_boost: 2",
)


def entries(site: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return index, {d["location"]: d for d in index["docs"]}


def test_an_articles_phrasings_and_synonyms_go_into_materials_index(
    make_site: Callable[..., Any],
) -> None:
    site = make_site(
        {
            "email/bounces.md": BOUNCES,
            "email/headers.md": article("Message headers", "The Received lines."),
        }
    ).build()
    index, docs = entries(site)
    page = docs["email/bounces/"]
    assert page["keywords"].split(" \n") == [
        "mail comes back",
        "message returned to me",
        "Why did my email &gt; 10 MB come back?",
        "What is a mailer daemon?",
    ]
    # "Bounced" in the title is the group of "bounce" in search/synonyms.yml.
    synonyms = page["synonyms"].split(" \n")
    assert {"bounce", "NDR", "returned mail", "mailer-daemon"} <= set(synonyms)
    assert page["boost"] == 2.0
    assert page["title"] == "Bounced email"
    # Section entries and other articles are as Material wrote them.
    for anchor in ("#symptoms", "#reading-the-error"):
        assert set(docs["email/bounces/" + anchor]) == {"location", "title", "text", "tags"}
    assert "returned to you" in docs["email/bounces/#symptoms"]["text"]
    assert set(docs["email/headers/"]) == {"location", "title", "text", "tags"}
    assert set(docs[""]) == {"location", "title", "text"}  # the home page
    assert index["config"]["fields"] == {
        "title": {"boost": 1000.0},
        "text": {"boost": 1.0},
        "tags": {"boost": 1000000.0},
        "keywords": {"boost": FIELD_BOOSTS["keywords"]},
        "synonyms": {"boost": FIELD_BOOSTS["synonyms"]},
    }


def test_a_sites_own_search_field_boost_wins(make_site: Callable[..., Any]) -> None:
    site = make_site(
        {"email/bounces.md": BOUNCES},
        extra_config={
            "plugins": [
                {"search": {"fields": {"keywords": {"boost": 5}}}},
                "tags",
                {"kb": {"search_index": False}},
            ]
        },
    ).build()
    index, docs = entries(site)
    assert index["config"]["fields"]["keywords"] == {"boost": 5}
    assert "mail comes back" in docs["email/bounces/"]["keywords"]


def test_synonyms_come_from_what_the_article_is_about_not_every_word() -> None:
    quota = static_terms(title="Email quota", keywords=["mailbox full"])
    assert "over quota" in quota.synonyms and "bounce" not in quota.synonyms
    assert static_terms(title="Nothing to see").synonyms == ()


def test_kb_search_js_runs_before_materials_bundle(make_site: Callable[..., Any]) -> None:
    site = make_site({"email/quota.md": article("Quota")}).build()
    for page in ("index.html", "email/quota/index.html", "404.html"):
        text = (site / page).read_text(encoding="utf-8")
        scripts = re.findall(r'<script src="([^"]+)"', text)
        ours = [i for i, s in enumerate(scripts) if s.endswith("assets/kb/kb-search.js")]
        bundle = [i for i, s in enumerate(scripts) if "assets/javascripts/bundle." in s]
        assert len(ours) == 1 and len(bundle) == 1 and ours[0] < bundle[0], (page, scripts)


def test_without_widgets_materials_search_is_left_alone(make_site: Callable[..., Any]) -> None:
    site = make_site({"email/quota.md": article("Quota")}, plugin={"widgets": False}).build()
    text = (site / "email" / "quota" / "index.html").read_text(encoding="utf-8")
    assert "kb-search.js" not in text
    assert '<form class="md-search__form" name="search">' in text


def test_a_sites_custom_dir_overrides_our_partial(make_site: Callable[..., Any]) -> None:
    factory = make_site(
        {"email/quota.md": article("Quota")},
        extra_config={"theme": {"name": "material", "font": False, "custom_dir": "overrides"}},
    )
    partial = factory.root / "overrides" / "partials" / "kb-search-script.html"
    partial.parent.mkdir(parents=True)
    partial.write_text(
        '<script src="{{ \'assets/kb/kb-search.js\' | url }}" data-api="/help/api"></script>\n'
    )
    text = (factory.build() / "email" / "quota" / "index.html").read_text(encoding="utf-8")
    assert '<script src="../../assets/kb/kb-search.js" data-api="/help/api"></script>' in text

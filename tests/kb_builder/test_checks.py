"""Every front-matter and body rule, with its exact message, through ``kb check``."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb_builder.cli import main
from tests.conftest import article


@pytest.fixture
def in_site(tmp_path: Path) -> Iterator[Path]:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


def run_check(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", *args])
    lines = [line for line in result.stdout.splitlines() if line]
    return result.exit_code, lines


BAD_FRONT_MATTER = [
    (
        "---\ntitle: Quota\nsummary: Full mailbox.\ntags: email\n---\n\nText.\n",
        "docs/email/quota.md:4: 'tags': expected a list of strings, got 'email'",
    ),
    (
        "---\ntitle: Quota\ntags: [email]\n---\n\nText.\n",
        "docs/email/quota.md:1: 'summary': expected a string of one or two sentences "
        "(at most 200 characters), got nothing (the key is missing)",
    ),
    (
        "---\nsummary: Full mailbox.\ntags: [email]\n---\n\nText.\n",
        "docs/email/quota.md:1: 'title': expected a non-empty string, got nothing "
        "(the key is missing)",
    ),
    (
        "---\ntitle: Quota\nsummary: " + "x" * 201 + "\ntags: [email]\n---\n\nText.\n",
        "docs/email/quota.md:3: 'summary': expected at most 200 characters, got 201 characters",
    ),
    (
        "---\ntitle: Quota\nsummary: Full.\ntags: [email]\naudience: resellers\n---\n\nText.\n",
        "docs/email/quota.md:5: 'audience': expected one of 'reseller', 'end-customer', "
        "'both', got 'resellers'",
    ),
    (
        "---\ntitle: Quota\nsummary: Full.\ntags: [email]\nlast_reviewed: 26/11/2026\n---\n\nx\n",
        "docs/email/quota.md:5: 'last_reviewed': expected a date written as YYYY-MM-DD, "
        "got '26/11/2026'",
    ),
    (
        "---\ntitle: Quota\nsummary: Full.\ntags: [email]\ndraft: maybe\n---\n\nText.\n",
        "docs/email/quota.md:5: 'draft': expected true or false, got 'maybe'",
    ),
    (
        "---\ntitle: Quota\nsummary: Full.\ntags: [email]\nsearch_boost: high\n---\n\nText.\n",
        "docs/email/quota.md:5: 'search_boost': expected a positive number, got 'high'",
    ),
    (
        "---\ntitle: Quota\nsummary: Full.\ntags: [email]\nkeywords: full mailbox\n---\n\nx\n",
        "docs/email/quota.md:5: 'keywords': expected a list of strings, got 'full mailbox'",
    ),
    (
        "---\ntitle: Quota\nsummary: Full.\ntags: [email]\nrelated: [email/nope.md]\n---\n\nx\n",
        "docs/email/quota.md:5: 'related': expected an article path relative to docs/, "
        "e.g. 'email/quota.md', got 'email/nope.md'",
    ),
    (
        "---\ntitle: [Quota\nsummary: Full.\n---\n\nText.\n",
        "docs/email/quota.md:3: 'front matter': expected valid YAML, "
        "got \"did not find expected ',' or ']'\"",
    ),
    (
        "No front matter here.\n",
        "docs/email/quota.md:1: 'front matter': expected a YAML front matter block opened "
        "by '---', got no front matter",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_FRONT_MATTER)
def test_front_matter_rule_has_exact_message(make_site, in_site, text, message):
    make_site({"email/quota.md": text})
    code, lines = run_check()
    assert lines == [message]
    assert code == 1


def test_unknown_key_is_a_warning_that_fails_only_with_strict(make_site, in_site):
    make_site({"email/quota.md": article("Quota", extra_front="sumary: oops")})
    code, lines = run_check()
    assert lines == [
        "docs/email/quota.md:5: 'sumary': expected one of the documented keys, "
        "got an unknown key (did you mean 'summary'?) (warning)"
    ]
    assert code == 0
    assert run_check("--strict")[0] == 1


def test_old_review_date_is_a_warning(make_site, in_site):
    old = dt.date.today() - dt.timedelta(days=400)
    make_site({"email/quota.md": article("Quota", extra_front=f"last_reviewed: {old}")})
    code, lines = run_check()
    assert lines == [
        f"docs/email/quota.md:5: 'last_reviewed': expected a review within the last 365 days, "
        f"got {old.isoformat()} (400 days ago) (warning)"
    ]
    assert code == 0


def test_every_problem_of_the_run_is_reported_at_once(make_site, in_site):
    make_site(
        {
            "email/quota.md": "---\ntitle: Same\nsummary: One.\ntags: email\n---\n\n"
            "See [missing](nope.md).\n",
            "email/other.md": article("Same", "![](shot.png)\n\n<script>alert(1)</script>\n"),
        }
    )
    code, lines = run_check()
    assert code == 1
    assert lines == [
        "docs/email/other.md:2: 'title': expected a title no other article uses, "
        "got 'Same', also the title of docs/email/quota.md",
        "docs/email/other.md:9: 'image': expected alt text describing the image, "
        "got none for 'shot.png'",
        "docs/email/other.md:9: 'link': expected an existing file under docs/, got 'shot.png'",
        "docs/email/other.md:11: 'html': expected only HTML the sanitiser keeps, "
        "got <script> (removed)",
        "docs/email/quota.md:2: 'title': expected a title no other article uses, "
        "got 'Same', also the title of docs/email/other.md",
        "docs/email/quota.md:4: 'tags': expected a list of strings, got 'email'",
        "docs/email/quota.md:7: 'link': expected an existing article, got 'nope.md'",
    ]


def test_links_and_anchors_are_checked(make_site, in_site):
    make_site(
        {
            "email/quota.md": article("Quota", "## Raise the quota\n\nText.\n"),
            "email/links.md": article(
                "Links",
                "[ok](quota.md#raise-the-quota) [bad anchor](quota.md#nope) "
                "[section](../hosting/index.md) [here](#symptoms) [gone](#missing) "
                "[ext](https://docs.cpanel.net/) [up](../whm/nothing.md)\n\n"
                "`[not a link](x.md)`\n\n```\n[also not](y.md)\n```\n",
            ),
        }
    )
    _, lines = run_check()
    assert lines == [
        "docs/email/links.md:9: 'link': expected an anchor that exists in email/quota.md, "
        "got '#nope'",
        "docs/email/links.md:9: 'link': expected an anchor that exists in email/links.md, "
        "got '#missing'",
        "docs/email/links.md:9: 'link': expected an existing article, got '../whm/nothing.md'",
    ]


def test_inline_event_handlers_and_html_images(make_site, in_site):
    make_site(
        {
            "email/quota.md": article(
                "Quota", '<a href="#" onclick="steal()">x</a>\n\n<img src="a.png">\n'
            ),
        }
    )
    _, lines = run_check()
    assert lines == [
        "docs/email/quota.md:9: 'html': expected only HTML the sanitiser keeps, "
        "got onclick='steal()' on <a> (removed)",
        "docs/email/quota.md:11: 'image': expected alt text describing the image, "
        "got an <img> without alt",
    ]


def test_orphan_article_outside_sections_and_nav(make_site, in_site):
    make_site({"stray.md": article("Stray")})
    _, lines = run_check()
    assert lines == [
        "docs/stray.md:1: 'section': expected an article inside a section folder "
        "(whm, cpanel, email, hosting, security, support) or listed in the nav, "
        "got an orphan at 'stray.md'"
    ]


def test_unknown_placeholder(make_site, in_site):
    make_site({"email/quota.md": article("Quota", "Write to {{ extra.nobody }}.")})
    _, lines = run_check()
    assert lines == [
        "docs/email/quota.md:9: 'placeholder': expected a key of extra: in mkdocs.yml "
        "(extra.company, extra.support_email), got '{{ extra.nobody }}'"
    ]


def test_paths_limit_the_report_to_those_files(make_site, in_site):
    make_site(
        {
            "email/quota.md": article("Quota", "[x](nope.md)"),
            "whm/packages.md": article("Packages", "[y](nope.md)"),
        }
    )
    _, lines = run_check("docs/whm")
    assert lines == ["docs/whm/packages.md:9: 'link': expected an existing article, got 'nope.md'"]


def test_github_format(make_site, in_site):
    make_site({"email/quota.md": article("Quota", "[x](nope.md)", extra_front="sumary: x")})
    code, lines = run_check("--format", "github")
    assert lines == [
        "::warning file=docs/email/quota.md,line=5,title=kb check%3A sumary::'sumary': "
        "expected one of the documented keys, got an unknown key (did you mean 'summary'?)",
        "::error file=docs/email/quota.md,line=10,title=kb check%3A link::'link': "
        "expected an existing article, got 'nope.md'",
    ]
    assert code == 1


def test_drafts_are_linkable_in_preview_but_not_in_build(make_site, in_site):
    make_site(
        {
            "email/quota.md": article("Quota", "[draft](wip.md)"),
            "email/wip.md": article("Work in progress", extra_front="draft: true"),
        }
    )
    assert run_check() == (0, [])
    assert run_check("--no-drafts")[1] == [
        "docs/email/quota.md:9: 'link': expected an existing article, got 'wip.md'"
    ]


def test_valid_article_with_only_required_keys_passes(make_site, in_site):
    make_site({"email/quota.md": article("Quota")})
    assert run_check("--strict") == (0, [])

"""Where a reader is and where to go next (kb_builder/core/wayfinding.py): breadcrumb,
article facts, the section's articles beside an article, the next steps of the 404 page
and of a search without results. No MkDocs: a Site read from files in tmp_path."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kb_builder.core.articles import Article
from kb_builder.core.recent import recently_updated
from kb_builder.core.site import Site
from kb_builder.core.wayfinding import (
    article_facts,
    breadcrumb,
    not_found,
    page_frame,
    search_help,
    section_nav,
    section_window,
)
from tests.conftest import article


def _site(tmp_path: Path, files: dict[str, str], sections: tuple[str, ...] = ("email",)) -> Site:
    docs = tmp_path / "docs"
    pages = {"index.md": "---\ntitle: Help Center\n---\n"}
    pages |= {
        f"{s}/index.md": f"---\ntitle: {s.title()} <b>\nsummary: All {s}.\n---\n" for s in sections
    }
    for rel, text in {**pages, **files}.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    return Site.load(docs, sections=list(sections))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_breadcrumb_of_an_article_and_of_a_landing_page(tmp_path: Path) -> None:
    site = _site(tmp_path, {"email/quota.md": article("Quota & <storage>")})
    quota = site.by_path["email/quota.md"]
    assert breadcrumb(quota, site) == (
        '<nav class="kb-breadcrumb" aria-label="Breadcrumb"><ol class="kb-breadcrumb__list">'
        '<li class="kb-breadcrumb__item"><a href="../..">Home</a></li>'
        '<li class="kb-breadcrumb__item"><a href="../">Email &lt;b&gt;</a></li>'
        '<li class="kb-breadcrumb__item" aria-current="page">Quota &amp; &lt;storage&gt;</li>'
        "</ol></nav>"
    )
    landing = breadcrumb(site.by_path["email/index.md"], site)
    assert '<a href="..">Home</a>' in landing
    assert '<li class="kb-breadcrumb__item" aria-current="page">Email &lt;b&gt;</li>' in landing
    assert breadcrumb(site.by_path["index.md"], site) == ""


def test_facts_show_applies_to_and_last_reviewed_escaped(tmp_path: Path) -> None:
    front = 'applies_to: "cPanel & WHM <130>"\nlast_reviewed: 2026-03-09'
    site = _site(
        tmp_path,
        {
            "email/quota.md": article("Quota", extra_front=front),
            "email/bare.md": article("Bare"),
        },
    )
    assert article_facts(site.by_path["email/quota.md"]) == (
        '<p class="kb-facts"><span class="kb-facts__item"><span class="kb-facts__label">'
        "Applies to:</span> cPanel &amp; WHM &lt;130&gt;</span>"
        '<span class="kb-facts__item"><span class="kb-facts__label">Last reviewed:</span> '
        '<time datetime="2026-03-09">9 March 2026</time></span></p>'
    )
    assert article_facts(site.by_path["email/bare.md"]) == ""
    assert article_facts(site.by_path["email/index.md"]) == ""


def _articles(n: int) -> list[Article]:
    return [
        Article(f"email/a{i:04d}.md", f"docs/email/a{i:04d}.md", article(f"A {i:04d}"))
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("n", "at", "limit", "first", "last"),
    [
        (10, 5, 30, 0, 9),  # all of them
        (100, 50, 10, 45, 54),  # centred on the page
        (100, 1, 10, 0, 9),  # at the start
        (100, 98, 10, 90, 99),  # at the end
    ],
)
def test_the_sidebar_window(n: int, at: int, limit: int, first: int, last: int) -> None:
    articles = _articles(n)
    shown = section_window(list(reversed(articles)), articles[at], limit)
    assert shown == articles[first : last + 1]  # title order, whatever order came in
    assert articles[at] in shown
    assert section_window(articles, articles[at], 0) == []


def test_the_sidebar_marks_the_page_and_links_to_the_rest(tmp_path: Path) -> None:
    site = _site(tmp_path, {f"email/a{i}.md": article(f"Article {i} <x>") for i in range(6)})
    page = site.by_path["email/a3.md"]
    html = section_nav(page, site, limit=3)
    assert html.count("<li") == 3
    assert (
        '<a class="md-nav__link md-nav__link--active" aria-current="page" href="./">'
        "Article 3 &lt;x&gt;</a>" in html
    )
    assert '<a class="md-nav__link" href="../a2/">Article 2 &lt;x&gt;</a>' in html
    assert '<a href="../">All 6 articles in Email &lt;b&gt;</a>' in html
    assert 'aria-label="Articles in Email &lt;b&gt;"' in html
    whole = section_nav(page, site, limit=30)
    assert whole.count("<li") == 6 and "All 6 articles" not in whole
    assert section_nav(page, site, limit=0) == ""
    assert section_nav(site.by_path["email/index.md"], site, limit=30) == ""


def test_the_sidebar_does_not_grow_with_the_section(tmp_path: Path) -> None:
    """2,000 articles in one section: each page's sidebar is as long as at 60."""
    small = _site(tmp_path / "s", {f"email/a{i:04d}.md": article(f"A {i:04d}") for i in range(60)})
    big = _site(tmp_path / "b", {f"email/a{i:04d}.md": article(f"A {i:04d}") for i in range(2000)})
    small_html = section_nav(small.by_path["email/a0030.md"], small, limit=30)
    big_html = section_nav(big.by_path["email/a1000.md"], big, limit=30)
    assert small_html.count("<li") == big_html.count("<li") == 30
    assert len(big_html) < len(small_html) + 20  # "All 2000 articles" vs "All 60 articles"


def test_the_404_page_offers_search_sections_and_a_ticket(tmp_path: Path) -> None:
    site = _site(tmp_path, {}, sections=("email", "hosting"))
    html = not_found(site, ticket_url="support/open-a-ticket/", base="/help/")
    assert "<h1>Page not found</h1>" in html
    assert "data-kb-open-search" in html
    assert (
        '<a href="/help/email/">Email &lt;b&gt;</a> <span class="kb-summary">All email.</span>'
        in html
    )
    assert '<a href="/help/hosting/">Hosting &lt;b&gt;</a>' in html
    assert '<a class="kb-next-steps__ticket" href="/help/support/open-a-ticket/">' in html
    external = not_found(site, ticket_url="https://billing.example.com/submitticket.php?a=1&b=2")
    assert 'href="https://billing.example.com/submitticket.php?a=1&amp;b=2"' in external
    assert "Open a ticket" not in not_found(site, ticket_url="javascript:alert(1)")


def test_a_search_without_results_offers_the_sections_and_a_ticket(tmp_path: Path) -> None:
    site = _site(tmp_path, {"email/quota.md": article("Quota")}, sections=("email", "hosting"))
    html = search_help(site, ticket_url="support/open-a-ticket/", from_url="email/quota/")
    assert html.startswith('<template id="kb-search-help">') and html.endswith("</template>")
    assert '<a href="../">Email &lt;b&gt;</a>, <a href="../../hosting/">' in html
    assert 'href="../../support/open-a-ticket/">Open a ticket</a>' in html


HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


def test_front_matter_is_escaped_everywhere_the_frame_prints_it(tmp_path: Path) -> None:
    hostile = HOSTILE.replace('"', '\\"')
    front = f'applies_to: "{hostile}"'
    site = _site(
        tmp_path,
        {
            "email/bad.md": article(f'"{hostile}"', extra_front=front),
            "email/good.md": article("Good"),
            "email/index.md": f'---\ntitle: "{hostile}"\n---\n',
        },
    )
    for page in (site.by_path["email/bad.md"], site.by_path["email/good.md"]):
        frame = page_frame(page, site, ticket_url='x" onmouseover="alert(3)', sidebar_limit=30)
        for part in (frame.breadcrumb, frame.facts, frame.sidebar, frame.search_help):
            assert "<img" not in part and "<script" not in part, part
            for _tag, attrs in tags_of(str(part)):
                assert not any(name.startswith("on") for name in attrs), attrs
    page_404 = not_found(site, ticket_url="support/", base="/")
    assert "<img" not in page_404 and "<script" not in page_404
    assert "&lt;img src=x onerror=alert(1)&gt;" in page_404


# -- "Recently updated" ---------------------------------------------------------------


def _dated(tmp_path: Path, dates: dict[str, str]) -> tuple[Site, dict[str, dt.date]]:
    site = _site(tmp_path, {f"email/{name}.md": article(name.title()) for name in dates})
    updated = {f"email/{name}.md": dt.date.fromisoformat(d) for name, d in dates.items()}
    return site, updated


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*">([^<]*)</a>', html)


def test_recently_updated_newest_first_then_most_viewed_then_title(tmp_path: Path) -> None:
    site, updated = _dated(
        tmp_path,
        {
            "alpha": "2026-01-05",
            "bravo": "2026-03-01",
            "charlie": "2026-01-05",
            "delta": "2025-12-01",
        },
    )
    home = site.by_path["index.md"]
    articles = [a for a in site.published() if a.is_article]
    html = recently_updated(articles, updated, home, limit=3)
    assert _titles(html) == ["Bravo", "Alpha", "Charlie"]
    assert '<time datetime="2026-03-01">1 March 2026</time>' in html
    views = {"email/charlie.md": 7, "email/alpha.md": 2}
    assert _titles(recently_updated(articles, updated, home, limit=3, views=views)) == [
        "Bravo",
        "Charlie",
        "Alpha",
    ]


def test_recently_updated_says_so_when_every_date_is_the_same(tmp_path: Path) -> None:
    site, updated = _dated(tmp_path, dict.fromkeys(("alpha", "bravo", "charlie"), "2026-12-01"))
    home = site.by_path["index.md"]
    articles = [a for a in site.published() if a.is_article]
    html = recently_updated(articles, updated, home, limit=5)
    assert _titles(html) == []
    assert (
        'All 3 articles were last updated on <time datetime="2026-12-01">1 December 2026</time>.'
        in html
    )
    assert recently_updated([], updated, home, limit=5) == ""

"""What the plugin adds to the pages readers see: the article's markers for the scripts,
and scripts only on the pages that use them (real MkDocs builds in tmp_path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import article

# Articles may not hold forms (the sanitiser removes them): the plugin puts its demo
# ticket form where an article has this marker.
FORM = "<!-- kb:ticket-demo -->\n"


def test_article_pages_name_title_ticket_form_and_views(make_site: Callable[..., Any]) -> None:
    site = make_site(
        {"email/quota.md": article("Mailbox quota & storage")},
        plugin={"ticket_url": "https://billing.example.com/submitticket.php?step=2&deptid=1"},
    ).build()
    page = (site / "email" / "quota" / "index.html").read_text()
    assert '<meta name="kb:title" content="Mailbox quota &amp; storage">' in page
    assert (
        '<meta name="kb:ticket-url" '
        'content="https://billing.example.com/submitticket.php?step=2&amp;deptid=1">'
    ) in page
    assert '<meta name="kb:views" content="off">' in page


def test_show_views_turns_the_view_count_on(make_site: Callable[..., Any]) -> None:
    site = make_site({"email/quota.md": article("Quota")}, plugin={"show_views": True}).build()
    page = (site / "email" / "quota" / "index.html").read_text()
    assert '<meta name="kb:views" content="on">' in page
    assert '<meta name="kb:ticket-url" content="support/open-a-ticket/">' in page


def test_the_widget_script_loads_only_where_a_form_uses_it(
    make_site: Callable[..., Any],
) -> None:
    site = make_site(
        {
            "email/quota.md": article("Quota"),
            "support/open-a-ticket.md": article("Open a ticket", FORM, tags="support"),
        }
    ).build()
    form_page = (site / "support" / "open-a-ticket" / "index.html").read_text()
    assert form_page.count('<script src="../../assets/kb/kb-widget.js" defer></script>') == 1
    for other in ("index.html", "email/index.html", "email/quota/index.html"):
        text = (site / other).read_text()
        assert "kb-widget.js" not in text, other
        assert "assets/kb/kb-feedback.js" in text and "assets/kb/kb-search.js" in text
    assert (site / "assets" / "kb" / "kb-widget.js").is_file()


# -- where the reader is: template overrides shipped by the plugin ---------------------


def _tabs(page: str) -> list[tuple[str, bool]]:
    """(tab text, highlighted) for each navigation tab of a built page."""
    import re

    found = re.findall(
        r'<li class="md-tabs__item( md-tabs__item--active)?">\s*<a [^>]*>\s*([^<]*?)\s*</a>', page
    )
    return [(text, bool(active)) for active, text in found]


def test_an_article_shows_its_section_breadcrumb_facts_and_sidebar(
    make_site: Callable[..., Any],
) -> None:
    front = "applies_to: cPanel & WHM 130\nlast_reviewed: 2026-11-20"
    site = make_site(
        {
            "email/quota.md": article("Mailbox quota", extra_front=front),
            "email/webmail.md": article("Webmail"),
            "hosting/error-500.md": article("Error 500", tags="hosting"),
        },
        extra_config={
            "theme": {"name": "material", "font": False, "features": ["navigation.tabs"]},
            "nav": [
                {"Home": "index.md"},
                *({s.upper(): f"{s}/index.md"} for s in ("whm", "email", "hosting")),
            ],
        },
    ).build()
    page = (site / "email" / "quota" / "index.html").read_text()
    assert _tabs(page) == [("Home", False), ("WHM", False), ("EMAIL", True), ("HOSTING", False)]
    assert (
        '<li class="kb-breadcrumb__item"><a href="../..">Home</a></li>'
        '<li class="kb-breadcrumb__item"><a href="../">EMAIL</a></li>'
        '<li class="kb-breadcrumb__item" aria-current="page">Mailbox quota</li>'
    ) in page
    assert "cPanel &amp; WHM 130" in page and '<time datetime="2026-11-20">' in page
    # The facts come right under the title, the breadcrumb above it.
    assert page.index("kb-breadcrumb") < page.index("<h1") < page.index("kb-facts")
    sidebar = page[page.index('<nav class="md-nav kb-section-nav"') :]
    assert 'aria-current="page" href="./">Mailbox quota</a>' in sidebar
    assert 'href="../webmail/">Webmail</a>' in sidebar and "Error 500" not in sidebar
    assert '<template id="kb-search-help">' in page
    # The highlight is the article's section only, on no page rendered after it.
    assert _tabs((site / "hosting" / "error-500" / "index.html").read_text())[3] == (
        "HOSTING",
        True,
    )
    for other in ("index.html", "whm/index.html", "email/webmail/index.html"):
        active = [t for t, on in _tabs((site / other).read_text()) if on]
        assert active == {"index.html": ["Home"], "whm/index.html": ["WHM"]}.get(
            other, ["EMAIL"]
        ), other


def test_the_404_page_offers_search_sections_and_a_ticket(
    make_site: Callable[..., Any],
) -> None:
    site = make_site(
        {"email/quota.md": article("Quota")},
        plugin={"ticket_url": "https://billing.example.com/submitticket.php?step=2"},
        extra_config={"site_url": "https://help.example.com/kb/"},
    ).build()
    page = (site / "404.html").read_text()
    assert "<h1>Page not found</h1>" in page and "404 - Not found" not in page
    assert '<a href="/kb/email/">EMAIL</a>' in page  # absolute: served at any address
    assert 'href="https://billing.example.com/submitticket.php?step=2">Open a ticket</a>' in page
    assert "data-kb-open-search" in page and '<template id="kb-search-help">' in page
    assert "/kb/assets/kb/kb-search.js" in page


def test_a_custom_dir_of_the_site_still_wins(make_site: Callable[..., Any], tmp_path: Any) -> None:
    overrides = tmp_path / "overrides" / "partials"
    overrides.mkdir(parents=True)
    (overrides / "content.html").write_text("<p>the host's own content</p>{{ page.content }}")
    site = make_site(
        {"email/quota.md": article("Quota")},
        extra_config={
            "theme": {"name": "material", "font": False, "custom_dir": str(tmp_path / "overrides")}
        },
    ).build()
    page = (site / "email" / "quota" / "index.html").read_text()
    assert "<p>the host's own content</p>" in page and "kb-breadcrumb" not in page
    assert "kb-section-nav" in page  # our other overrides stay
    assert "<h1>Page not found</h1>" in (site / "404.html").read_text()


def test_recently_updated_is_on_the_home_page_only(make_site: Callable[..., Any]) -> None:
    site = make_site(
        {
            "email/quota.md": article("Quota", extra_front="last_reviewed: 2026-11-20"),
            "email/webmail.md": article("Webmail", extra_front="last_reviewed: 2026-10-01"),
        }
    ).build()
    home = (site / "index.html").read_text()
    assert home.count("Recently updated") == 1
    assert home.index(">Quota<") < home.index(">Webmail<")
    for section in ("email", "whm", "hosting"):
        assert "Recently updated" not in (site / section / "index.html").read_text(), section

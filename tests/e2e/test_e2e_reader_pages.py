"""What a reader sees on the real knowledge base in Chromium: where an article is (its
section's tab, the breadcrumb, the section's articles, what it applies to), the 404 page,
a search that finds nothing, and the home page at desktop and phone widths."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_server import LiveServer

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NOTHING = "qwxzv jjjkq"


def at(browser: Any, viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(10_000)
    return page


def test_an_article_shows_where_the_reader_is(browser: Any, site_with_api: LiveServer) -> None:
    page = at(browser, DESKTOP)
    page.goto(site_with_api.url + "/email/quota/")
    active = page.locator(".md-tabs__item--active")
    assert active.count() == 1 and active.inner_text().strip() == "Email"
    assert active.is_visible()
    crumbs = page.locator(".kb-breadcrumb li")
    assert crumbs.all_inner_texts() == ["Home", "Email", "Mailbox quota and storage"]
    assert page.locator(".kb-breadcrumb").is_visible()
    # The breadcrumb sits above the title, on one line.
    boxes = [crumbs.nth(i).bounding_box() for i in range(3)]
    assert len({round(b["y"]) for b in boxes}) == 1
    assert boxes[0]["y"] < page.locator("article h1").bounding_box()["y"]
    facts = page.locator(".kb-facts")
    assert facts.is_visible()
    assert "Applies to: cPanel & WHM 130" in facts.inner_text()
    assert "Last reviewed: 1 December 2026" in facts.inner_text()
    sidebar = page.locator(".md-sidebar--primary .kb-section-nav")
    assert sidebar.is_visible()
    current = sidebar.locator("[aria-current=page]")
    assert current.inner_text() == "Mailbox quota and storage"
    assert sidebar.locator("a.md-nav__link").count() == 19  # the section's articles, all of them
    sidebar.get_by_role("link", name="Webmail").click()
    page.wait_for_url("**/email/webmail/")
    assert page.locator(".md-tabs__item--active").inner_text().strip() == "Email"
    page.context.close()


def test_on_a_phone_the_breadcrumb_shows_and_the_drawer_lists_the_section(
    browser: Any, site_with_api: LiveServer
) -> None:
    page = at(browser, PHONE)
    page.goto(site_with_api.url + "/email/quota/")
    assert page.locator(".kb-breadcrumb").is_visible()
    assert page.locator(".kb-facts").is_visible()
    page.locator("label.md-header__button[for=__drawer]").click()
    drawer = page.locator(".md-sidebar--primary")
    drawer.locator(".kb-section-nav [aria-current=page]").wait_for()
    assert drawer.locator(".kb-section-nav [aria-current=page]").is_visible()
    # The drawer still has every section too (the tabs are hidden at this width).
    assert drawer.get_by_role("link", name="Hosting", exact=True).first.is_visible()
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_404_page_offers_search_the_sections_and_a_ticket(
    browser: Any, site_with_api: LiveServer, viewport: dict[str, int]
) -> None:
    page = at(browser, viewport)
    response = page.goto(site_with_api.url + "/email/no-such-article/")
    assert response.status == 404
    assert page.locator("article h1").inner_text() == "Page not found"
    sections = page.locator(".kb-not-found .kb-next-steps__sections a")
    assert sections.all_inner_texts() == [
        "WHM",
        "cPanel",
        "Email",
        "Hosting",
        "Security",
        "Support",
    ]
    ticket = page.locator(".kb-not-found .kb-next-steps__ticket")
    assert ticket.is_visible() and ticket.get_attribute("href") == "/support/open-a-ticket/"
    button = page.get_by_role("button", name="Search the help center")
    button.click()
    box = page.locator("[data-md-component=search-query]")
    assert box.is_visible()
    page.wait_for_function("document.activeElement.matches('[data-md-component=search-query]')")
    page.keyboard.type("mailbox full")
    page.locator(".md-search-result__item").first.wait_for()
    page.keyboard.press("Escape")
    sections.nth(2).click()
    page.wait_for_url("**/email/")
    page.context.close()


def _search(page: Any, text: str) -> None:
    toggle = page.locator("label.md-header__button[for=__search]")
    if toggle.is_visible():
        toggle.click()
    page.locator("[data-md-component=search-query]").click()
    page.keyboard.type(text)


@pytest.mark.parametrize("host", ["site_with_api", "static_site"])
def test_a_search_that_finds_nothing_offers_a_next_step(
    browser: Any, request: pytest.FixtureRequest, host: str
) -> None:
    server: LiveServer = request.getfixturevalue(host)
    page = at(browser, DESKTOP)
    page.goto(server.url + "/email/quota/")
    if host == "site_with_api":
        page.wait_for_selector("html[data-kb-search=api]", state="attached")
    _search(page, NOTHING)
    help_ = page.locator(".md-search-result .kb-next-steps--search")
    help_.wait_for(timeout=30_000)  # Material's worker builds its index first
    assert "No matching documents" in page.locator(".md-search-result__meta").inner_text()
    assert help_.is_visible()
    links = help_.locator("a")
    assert links.all_inner_texts()[:6] == [
        "WHM",
        "cPanel",
        "Email",
        "Hosting",
        "Security",
        "Support",
    ]
    assert links.last.inner_text() == "Open a ticket"
    # Words that find something: the next steps go away.
    for _ in NOTHING:
        page.keyboard.press("Backspace")
    page.keyboard.type("mailbox full")
    page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
    help_.wait_for(state="hidden")
    links.nth(2).evaluate("a => a.click()")  # hidden now: the link itself still works
    page.wait_for_url("**/email/")
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_home_page_reads_true_at_every_width(
    browser: Any, site_with_api: LiveServer, viewport: dict[str, int]
) -> None:
    page = at(browser, viewport)
    page.goto(site_with_api.url + "/")
    text = page.locator("article").inner_text()
    assert "search box above" not in text
    assert "the search box, or the magnifying glass on a small screen" in text
    # What the text names is what this width shows: the box, or the icon that opens it.
    icon = page.locator("label.md-header__button[for=__search]")
    box = page.locator(".md-search__form")
    assert icon.is_visible() != box.is_visible()
    assert page.locator("article .md-tag").count() == 0  # no "home" tag pill
    recent = page.locator(".kb-block--recent")
    assert recent.count() == 1
    # The knowledge base was reviewed in one go: one sentence, not five arbitrary articles.
    assert recent.locator("p").inner_text() == (
        "All 78 articles were last updated on 1 December 2026."
    )
    page.context.close()


def test_recently_updated_is_not_repeated_on_the_section_pages(
    browser: Any, site_with_api: LiveServer
) -> None:
    page = at(browser, DESKTOP)
    for section in ("whm", "cpanel", "email", "hosting", "security", "support"):
        page.goto(f"{site_with_api.url}/{section}/")
        assert page.locator(".kb-block--recent").count() == 0, section
        assert page.locator(".kb-block--section").is_visible(), section
    page.context.close()


#: The home page's own examples of what search understands, and the article each means.
HOME_EXAMPLES = {
    "mail comes back": "email/bounces-ndr/",
    "free SSL": "whm/ssl-autossl/",
    "site is down": "hosting/site-down/",
    "550 5.1.1": "email/bounces-ndr/",
    "ERR_TOO_MANY_REDIRECTS": "cpanel/redirects/",
}


def test_the_home_pages_search_examples_find_their_article_first_on_a_static_host(
    browser: Any, static_site: LiveServer
) -> None:
    # Material's worker, with the articles' phrasings in its index and kb-search.js
    # sending each word also as itself ("site is down" put seven articles first before).
    page = at(browser, DESKTOP)
    page.goto(static_site.url + "/")
    home = page.locator("article").inner_text()
    assert all(example in home for example in HOME_EXAMPLES)  # still what the page says
    box = page.locator("[data-md-component=search-query]")
    first = page.locator(".md-search-result__item a.md-search-result__link").first
    found = {}
    for example in HOME_EXAMPLES:
        box.fill("")
        _search(page, example)
        page.wait_for_function(
            "q => document.querySelector('[data-md-component=search-query]').value === q"
            " && document.querySelector('.md-search-result__item a')",
            arg=example,
            timeout=30_000,  # on a static host, Material's worker builds its index first
        )
        # Results follow each keystroke: wait for the list of the whole query to settle.
        page.wait_for_timeout(600)
        href = str(first.get_attribute("href"))
        found[example] = next((p for p in HOME_EXAMPLES.values() if p in href), href)
    assert found == HOME_EXAMPLES
    page.context.close()

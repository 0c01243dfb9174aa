"""The header search box in Chromium: our API when it is there, Material's built-in
client-side search on a static host."""

from __future__ import annotations

import json
from typing import Any

from e2e_server import LiveServer


def search(page: Any, text: str) -> None:
    box = page.locator("[data-md-component=search-query]")
    box.click()
    page.keyboard.type(text)  # real key presses: Material's search listens to keyup


def test_search_box_uses_the_api_when_served_with_it(page: Any, site_with_api: LiveServer) -> None:
    page.goto(site_with_api.url + "/")
    page.wait_for_selector("html[data-kb-search=api]", state="attached")
    search(page, "autossl faild dcv")  # a typo the API corrects, Material's search does not
    first = page.locator(".kb-search-result .md-search-result__link").first
    first.wait_for()
    assert first.get_attribute("href").endswith("/whm/ssl-autossl/")
    assert (
        page.locator(".kb-search-result mark").count() > 0
    )  # snippet highlights rebuilt as elements
    assert "matching document" in page.locator(".md-search-result__meta").text_content()
    # Keyboard: Material's arrow keys move through our results, Enter opens one.
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/whm/ssl-autossl/")


def test_search_box_falls_back_to_builtin_search_on_a_static_host(
    page: Any, static_site: LiveServer
) -> None:
    page.goto(static_site.url + "/")
    search(page, "autossl")
    first = page.locator(".md-search-result__item .md-search-result__link").first
    first.wait_for(timeout=30_000)  # Material's worker builds its lunr index first
    assert "ssl-autossl" in first.get_attribute("href")
    assert page.locator("html[data-kb-search=api]").count() == 0
    assert page.locator(".kb-search-result").count() == 0


def test_search_results_from_the_api_are_inserted_as_text(
    page: Any, site_with_api: LiveServer
) -> None:
    evil = '<img src=x onerror="window.__xss=1">'
    answer = {
        "query": "x",
        "did_you_mean": evil,
        "results": [
            {
                "path": "a.md",
                "url": "javascript:window.__xss=2",
                "title": "bad",
                "summary": "",
                "snippet": "",
                "score": 3,
            },
            {
                "path": "b.md",
                "url": "email/quota/",
                "title": evil,
                "summary": evil,
                "snippet": f"before <mark>hit</mark> {evil} &lt;b&gt;",
                "score": 2,
            },
        ],
        "facets": {},
    }
    page.route(
        "**/api/search?*",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(answer)
        ),
    )
    page.goto(site_with_api.url + "/")
    page.wait_for_selector("html[data-kb-search=api]", state="attached")
    search(page, "quota")
    page.locator(".kb-search-result").first.wait_for()
    assert page.locator(".kb-search-result").count() == 1  # the javascript: URL was dropped
    assert page.locator(".kb-search-result h1").text_content() == evil
    assert page.locator(".kb-search-result p").text_content() == "before hit  <b>"
    assert page.locator(".kb-search-result mark").text_content() == "hit"
    assert page.locator(".md-search-result img").count() == 0
    assert page.evaluate("window.__xss") is None

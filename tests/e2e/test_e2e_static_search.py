"""Material's own search (a lunr worker fed search/search_index.json) in Chromium: loaded
only where it answers, and answering in the customers' words on a static host."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_server import LiveServer
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from tests.conftest import SiteFactory, article, minimal_sections

INDEX = re.compile(r"/search/search_index\.json")
WORKER = re.compile(r"/assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")


def search(page: Any, text: str) -> None:
    box = page.locator("[data-md-component=search-query]")
    box.click()
    page.keyboard.type(text)  # real key presses: Material's search listens to keyup


def watch_workers(page: Any) -> list[str]:
    workers: list[str] = []
    page.on("worker", lambda worker: workers.append(worker.url))
    return workers


def material_loads(requests: list[str], workers: list[str]) -> list[str]:
    return [u for u in requests + workers if INDEX.search(u) or WORKER.search(u)]


def first_material_result(page: Any) -> Any:
    first = page.locator(".md-search-result__item:not(.kb-search-result) .md-search-result__link")
    first.first.wait_for(timeout=30_000)  # the worker builds its lunr index first
    return first.first


def test_with_the_api_neither_the_lunr_worker_nor_its_index_loads(
    page: Any, site_with_api: LiveServer
) -> None:
    workers = watch_workers(page)
    page.goto(site_with_api.url + "/email/quota/")
    page.wait_for_selector("html[data-kb-search=api]", state="attached")
    search(page, "autossl faild dcv")
    first = page.locator(".kb-search-result .md-search-result__link").first
    first.wait_for()
    assert first.get_attribute("href").endswith("/whm/ssl-autossl/")
    page.keyboard.type(" renew")  # keep typing: still only the API
    page.wait_for_function("document.querySelector('.md-search-result__list').children.length")
    assert any("/api/search?" in u for u in page.requests)
    assert material_loads(page.requests, workers) == []
    assert workers == []


def test_on_a_plain_static_host_the_lunr_worker_and_its_index_load_and_answer(
    page: Any, static_kb: str
) -> None:
    workers = watch_workers(page)
    page.goto(static_kb + "email/quota/")
    search(page, "autossl")
    first = first_material_result(page)
    assert "ssl-autossl" in first.get_attribute("href")
    # What the API test above asserts is absent is seen here: one index, one worker.
    loads = material_loads(page.requests, workers)
    assert len([u for u in loads if INDEX.search(u)]) == 1, loads
    assert len(workers) == 1 and WORKER.search(workers[0])
    assert page.locator("html[data-kb-search=api]").count() == 0


def test_a_failing_api_search_hands_the_box_to_materials_search(
    page: Any, site_with_api: LiveServer
) -> None:
    page.route("**/api/search?*", lambda route: route.fulfill(status=503, body="down"))
    page.goto(site_with_api.url + "/")
    page.wait_for_selector("html[data-kb-search=api]", state="attached")
    search(page, "autossl")
    page.wait_for_selector("html[data-kb-search=static]", state="attached")
    first = first_material_result(page)
    assert "ssl-autossl" in first.get_attribute("href")
    assert page.locator(".kb-search-result").count() == 0


def test_a_page_opened_from_a_material_result_highlights_the_terms(
    page: Any, static_kb: str
) -> None:
    page.goto(static_kb + "whm/ssl-autossl/?h=autossl")
    page.locator("[data-md-component=content] mark").first.wait_for()
    assert page.locator("[data-md-component=content] mark").first.text_content().lower() == (
        "autossl"
    )


# -- the customers' words in Material's index ------------------------------------------------

KEYWORD_ONLY = "pigeon hole"
"""A phrasing in one article's keywords and nowhere else in the site."""


@pytest.fixture
def phrasing_site(site_factory: SiteFactory) -> Iterator[str]:
    """A small site, its articles' phrasings in front matter only, on a static host."""
    site_factory.write(
        {
            **minimal_sections(),
            "email/quota.md": article(
                "Mailbox quota",
                "Each mailbox has a size limit set in cPanel.",
                extra_front=f"keywords: [{KEYWORD_ONLY}]\n"
                "questions: ['Why does my inbox say it is full?']",
            ),
            "email/forwarders.md": article(
                "Email forwarders", "A forwarder sends a copy of each message elsewhere."
            ),
            "hosting/backups.md": article(
                "Backups", "Nightly copies of the account.", tags="hosting"
            ),
        }
    )
    site: Path = site_factory.build()
    app = Starlette(routes=[Mount("/", app=StaticFiles(directory=site, html=True))])
    with LiveServer(app) as server:
        yield server.url


def test_material_search_on_a_static_host_finds_a_phrasing_only_in_keywords(
    page: Any, phrasing_site: str
) -> None:
    page.goto(phrasing_site + "/hosting/backups/")
    search(page, KEYWORD_ONLY)
    first = first_material_result(page)
    assert first.get_attribute("href").endswith("/email/quota/")
    # Shown as Material shows any result: the title, not the added keywords.
    assert page.locator(".md-search-result__item").count() == 1
    assert "Mailbox quota" in page.locator(".md-search-result__item").text_content()

"""The feedback block on article pages, in Chromium: over `kb serve` (site + API) and on a
static host without the API."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from kb_builder.core.articles import load_articles
from tests.conftest import REPO


def test_yes_and_no_on_an_article_page(served_kb: Any, page: Any) -> None:
    path = "email/quota.md"
    before = httpx.get(f"{served_kb.url}api/articles/{path}/stats").json()
    page.goto(served_kb.url + "email/quota/")
    block = page.locator(".kb-feedback")
    block.wait_for(timeout=15_000)
    assert "Views" not in block.inner_text()  # show_views is off by default
    yes = page.get_by_role("button", name="Yes", exact=True)
    assert yes.get_attribute("aria-pressed") == "false"
    yes.click()
    expected = f"{before['helpful'] + 1} found this helpful"
    page.wait_for_function(
        "text => document.querySelector('.kb-feedback__counts').textContent === text", arg=expected
    )
    assert yes.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("status").inner_text() == "Thanks for your feedback."

    # Changing one's mind replaces the vote; No asks what was missing.
    page.get_by_role("button", name="No", exact=True).click()
    comment = page.get_by_label("What was missing? (optional)")
    comment.wait_for()
    assert comment.get_attribute("maxlength") == "500"
    ticket = page.get_by_role("link", name="Open a ticket")
    title = next(a.title for a in load_articles(REPO / "docs") if a.rel_path == path)
    query = parse_qs(urlsplit(ticket.get_attribute("href")).query)
    assert urlsplit(ticket.get_attribute("href")).path == "/support/open-a-ticket/"
    assert query == {
        "subject": [f"Question about: {title}"],
        "message": [f"About the article \u201c{title}\u201d ({served_kb.url}email/quota/):"],
    }
    comment.fill("Nothing about inodes; my password is Tidewater#88")
    page.get_by_role("button", name="Send").click()
    status = page.get_by_role("status")
    page.wait_for_function(
        "el => el.textContent.startsWith('Thanks: your comment')", arg=status.element_handle()
    )
    after = httpx.get(f"{served_kb.url}api/articles/{path}/stats").json()
    assert (after["helpful"], after["not_helpful"]) == (
        before["helpful"],
        before["not_helpful"] + 1,
    )
    # Only our own origin was contacted.
    assert all(url.startswith(served_kb.url) for url in page.requests)

    # A later visit in this browser shows the earlier answer.
    page.reload()
    page.locator(".kb-feedback").wait_for(timeout=15_000)
    no = page.get_by_role("button", name="No", exact=True)
    assert no.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("status").inner_text() == (
        "You answered No earlier. You can change your answer."
    )


def test_show_views_shows_the_view_count(served_kb: Any, page: Any) -> None:
    def views_on(route: Any) -> None:
        response = route.fetch()
        body = response.text().replace(
            '<meta name="kb:views" content="off">', '<meta name="kb:views" content="on">'
        )
        route.fulfill(response=response, body=body)

    page.route("**/email/webmail/", views_on)
    page.goto(served_kb.url + "email/webmail/")
    counts = page.locator(".kb-feedback__counts")
    counts.wait_for(timeout=15_000)
    assert re.fullmatch(r"Views: \d+( · \d+ found this helpful)?", counts.inner_text())


def test_keyboard_users_can_vote(served_kb: Any, page: Any) -> None:
    page.goto(served_kb.url + "email/webmail/")
    like = page.get_by_role("button", name="Yes", exact=True)
    like.wait_for(timeout=15_000)
    like.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.kb-feedback__like').getAttribute('aria-pressed') === 'true'"
    )


def test_landing_pages_have_no_feedback_block(served_kb: Any, page: Any) -> None:
    page.goto(served_kb.url + "email/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)  # give the script time to (not) act
    assert page.locator(".kb-feedback").count() == 0
    assert not any("/api/views" in url for url in page.requests)


def test_a_static_host_shows_nothing(static_kb: str, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(static_kb + "email/quota/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)  # give the script time to (not) act
    assert page.locator(".kb-feedback").count() == 0
    assert errors == []
    assert all(url.startswith(static_kb) for url in page.requests)

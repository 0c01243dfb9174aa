"""The feedback block on article pages, in Chromium: over `kb serve` (site + API) and on a
static host without the API."""

from __future__ import annotations

import re
from typing import Any

import httpx


def test_like_and_dislike_on_an_article_page(served_kb: Any, page: Any) -> None:
    path = "email/quota.md"
    before = httpx.get(f"{served_kb.url}api/articles/{path}/stats").json()
    page.goto(served_kb.url + "email/quota/")
    block = page.locator(".kb-feedback")
    block.wait_for(timeout=15_000)
    counts = page.locator(".kb-feedback__counts")
    shown = re.fullmatch(r"Views: (\d+)( · (\d+) found this helpful)?", counts.inner_text())
    assert shown is not None
    # This browser is one more visitor today, unless another test already sent it here.
    views = int(shown.group(1))
    assert views in (before["views"], before["views"] + 1)
    like = page.get_by_role("button", name="Like", exact=True)
    assert like.get_attribute("aria-pressed") == "false"
    like.click()
    expected = f"Views: {views} · {before['helpful'] + 1} found this helpful"
    page.wait_for_function(
        "text => document.querySelector('.kb-feedback__counts').textContent === text", arg=expected
    )
    assert like.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("status").inner_text() == "Thanks for your feedback."

    # Changing one's mind replaces the vote; Dislike asks what was missing.
    page.get_by_role("button", name="Dislike", exact=True).click()
    comment = page.get_by_label("What was missing? (optional)")
    comment.wait_for()
    assert comment.get_attribute("maxlength") == "500"
    ticket = page.get_by_role("link", name="Open a ticket")
    assert ticket.get_attribute("href").endswith("support/open-a-ticket/?article=email/quota.md")
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


def test_keyboard_users_can_vote(served_kb: Any, page: Any) -> None:
    page.goto(served_kb.url + "email/webmail/")
    like = page.get_by_role("button", name="Like", exact=True)
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

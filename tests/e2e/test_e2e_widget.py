"""The ticket-form widget in Chromium: suggestions, warnings, text-only rendering,
keyboard use and accessibility."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
from e2e_server import ASSETS, LiveServer

from tests.conftest import REPO

DEMO = "/support/open-a-ticket/"
BOUNCE = {
    "subject": "drawings email comes back every time",
    "body": "Trying to send drawings, and I get this back: SMTP error from remote mail server after end "  # noqa: E501
    "of data: 552 5.3.4 Message size exceeds fixed limit. Attachments are 38 MB.",
}


def type_ticket(
    page: Any,
    subject: str,
    body: str,
    subject_sel: str = "#kb-demo-subject",
    body_sel: str = "#kb-demo-message",
) -> None:
    page.fill(subject_sel, subject)
    page.fill(body_sel, body)


def test_demo_form_suggests_the_right_article(page: Any, site_with_api: LiveServer) -> None:
    page.goto(site_with_api.url + DEMO)
    type_ticket(page, BOUNCE["subject"], BOUNCE["body"])
    first = page.locator(".kb-widget__link").first
    first.wait_for()
    assert first.text_content() == "Understanding bounce messages"
    assert first.get_attribute("href").endswith("/email/bounces-ndr/")
    assert page.locator(".kb-widget__priority").text_content().startswith("Suggested priority: ")
    status = page.locator(".kb-widget [role=status]")
    assert status.get_attribute("aria-live") == "polite"
    assert "may answer your question" in status.text_content()


def test_pasted_password_shows_the_warning_without_the_password(
    page: Any, site_with_api: LiveServer
) -> None:
    page.goto(site_with_api.url + DEMO)
    type_ticket(
        page,
        "samsung email app settings",
        "It says cannot connect to server. user is info@shop.example password Bluefin2024! maybe you can test it?",  # noqa: E501
    )
    warning = page.locator(".kb-widget__secrets")
    warning.wait_for()
    assert "password" in warning.text_content()
    assert "Bluefin2024" not in page.locator(".kb-widget").text_content()


def test_xss_in_the_ticket_is_rendered_as_text(page: Any, site_with_api: LiveServer) -> None:
    page.goto(site_with_api.url + DEMO)
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    type_ticket(
        page,
        payload + " every page is broken",
        payload + " the site is down, every page shows error 500 " + payload,
    )
    page.locator(".kb-widget__priority").wait_for()
    assert page.evaluate("window.__xss") is None
    assert page.locator(".kb-widget img, .kb-widget script").count() == 0


def test_everything_from_the_api_is_inserted_as_text(page: Any, site_with_api: LiveServer) -> None:
    evil = '<img src=x onerror="window.__xss=1">'
    answer = {
        "articles": [
            {
                "path": "a.md",
                "url": "javascript:window.__xss=3",
                "title": "bad link",
                "summary": "",
                "score": 9,
            },
            {"path": "b.md", "url": "email/quota/", "title": evil, "summary": evil, "score": 8},
        ],
        "confidence": "high",
        "priority": "high",
        "priority_reason": evil,
        "out_of_scope": {"reason": "custom-code", "message": evil},
        "secrets": [{"type": "password", "message": evil}],
        "channel": {"recommended": "ticket", "message": evil},
    }
    page.route(
        "**/api/suggest",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(answer)
        ),
    )
    page.goto(site_with_api.url + DEMO)
    type_ticket(page, "anything at all", "some text that is long enough")
    page.locator(".kb-widget__link").first.wait_for()
    links = page.locator(".kb-widget__link")
    assert links.count() == 1  # the javascript: URL was dropped
    assert links.first.text_content() == evil
    assert page.locator(".kb-widget img").count() == 0
    assert page.evaluate("window.__xss") is None


def test_keyboard_only_use(page: Any, site_with_api: LiveServer) -> None:
    page.goto(site_with_api.url + DEMO)
    page.focus("#kb-demo-subject")
    page.keyboard.type(BOUNCE["subject"])
    page.keyboard.press("Tab")
    page.keyboard.type(BOUNCE["body"])
    page.locator(".kb-widget__link").first.wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('kb-widget__link')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus
    for _ in range(10):
        if page.evaluate("document.activeElement.textContent") == "I still need help":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('type')") == "submit"
    assert (
        page.locator(".kb-widget [role=status]").text_content()
        == "Please finish and send your ticket."
    )


def test_solved_button_announces_and_emits_an_event(page: Any, site_with_api: LiveServer) -> None:
    page.goto(site_with_api.url + DEMO)
    page.evaluate(
        "window.__events = []; document.addEventListener('kb-widget:solved', e => window.__events.push(e.detail))"  # noqa: E501
    )
    type_ticket(page, BOUNCE["subject"], BOUNCE["body"])
    page.get_by_role("button", name="This solved my problem").click()
    assert (
        page.locator(".kb-widget [role=status]").text_content()
        == "Glad it helped. You do not need to send this ticket."
    )
    assert page.evaluate("window.__events")[0]["articles"][0].endswith("/email/bounces-ndr/")


def test_script_tag_attaches_to_a_third_party_form(page: Any, site_with_api: LiveServer) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site_with_api.url + "/pages/form.html")
    type_ticket(page, BOUNCE["subject"], BOUNCE["body"], "#subject", "#message")
    page.locator(".kb-widget__link").first.wait_for()
    assert page.locator("link[data-kb-widget-css]").count() == 1  # its stylesheet, loaded beside it
    assert all(url.startswith(site_with_api.url) for url in requests)  # no third-party requests


def test_no_suggestions_without_the_api(page: Any, static_site: LiveServer) -> None:
    page.goto(static_site.url + DEMO)
    type_ticket(page, BOUNCE["subject"], BOUNCE["body"])
    page.wait_for_timeout(1200)
    assert page.locator(".kb-widget__panel").is_hidden()


def test_axe_finds_no_serious_or_critical_violations(
    page: Any, site_with_api: LiveServer, axe_source: str
) -> None:
    page.goto(site_with_api.url + DEMO)
    type_ticket(
        page,
        "chat won't accept my PIN",
        "Live chat asks for my Support PIN. I typed 804219 and it says verification failed. Also could you design a logo for me?",  # noqa: E501
    )
    page.locator(".kb-widget__secrets").wait_for()
    page.locator(".kb-widget__scope").wait_for()
    page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], json.dumps(serious)


def test_widget_is_small_and_framework_free() -> None:
    source = (ASSETS / "kb-widget.js").read_text(encoding="utf-8")
    # Unminified, with its secret check: under 10 kB as the browser downloads it (gzip).
    assert len(gzip.compress(source.encode())) < 10 * 1024
    assert (
        "innerHTML" not in source and "insertAdjacentHTML" not in source and "eval(" not in source
    )


def test_the_widgets_own_secret_messages_are_the_policys_defaults() -> None:
    # Shown before the API answers, or without it: the same words as the API's.
    import yaml

    source = (ASSETS / "kb-widget.js").read_text(encoding="utf-8")
    block = source[
        source.index("var MESSAGES = {") : source.index("};", source.index("var MESSAGES"))
    ]
    widget = {k: json.loads(v) for k, v in re.findall(r"(\w+): (\"(?:[^\"\\]|\\.)*\"),", block)}
    policy = yaml.safe_load((REPO / "search" / "deflect" / "policy.yml").read_text())
    assert widget == policy["secrets"]


@pytest.mark.parametrize("name", ["kb-widget.js", "kb-search.js"])
def test_assets_exist(name: str) -> None:
    assert Path(ASSETS / name).is_file()


def test_open_a_ticket_from_an_article_fills_only_empty_fields(
    page: Any, site_with_api: LiveServer
) -> None:
    page.goto(site_with_api.url + DEMO + "?subject=About%20quotas&message=About%20the%20article")
    assert page.locator("#kb-demo-subject").input_value() == "About quotas"
    assert page.locator("#kb-demo-message").input_value() == "About the article\n\n"
    assert page.locator(".kb-widget__panel").is_hidden()

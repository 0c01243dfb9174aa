"""axe-core on every kind of page a reader meets, at desktop and phone widths, in the light
and the dark scheme: no serious or critical violation anywhere.

The pages: home, a section's landing page, an article, the tags page, the 404 page, the
search box open with results and with none (our API's and Material's own, on a static
host), the ticket page with the widget's suggestions and warnings shown, and the API's
documentation page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from e2e_server import LiveServer

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NOTHING = "qwxzv jjjkq"  # no article has these words, nor anything the API corrects them to


def open_search(page: Any, text: str) -> None:
    """Open the search box the way the width shows it (a box, or the phone's icon) and type."""
    toggle = page.locator("label.md-header__button[for=__search]")
    if toggle.is_visible():
        toggle.click()
    else:
        page.locator("[data-md-component=search-query]").click()
    page.locator("[data-md-component=search-query]").focus()
    page.keyboard.type(text)


def _results(page: Any) -> None:
    page.locator(".md-search-result__item").first.wait_for(timeout=30_000)


def _none(page: Any) -> None:
    page.locator(".kb-next-steps--search").wait_for(timeout=30_000)


def _ticket(page: Any) -> None:
    page.fill("#kb-demo-subject", "chat won't accept my PIN")
    page.fill(
        "#kb-demo-message",
        "Live chat asks for my Support PIN. I typed 804219 and it says verification failed. "
        "Also could you design a logo for me?",
    )
    page.locator(".kb-widget__link").first.wait_for()
    page.locator(".kb-widget__secrets").wait_for()


def _vote(page: Any) -> None:
    page.locator(".kb-feedback__vote").first.wait_for()
    page.locator(".kb-feedback__vote").first.click()
    page.locator('.kb-feedback__vote[aria-pressed="true"]').wait_for()


STATES: dict[str, tuple[str, Callable[[Any], None] | None]] = {
    "home": ("/", None),
    "section": ("/email/", None),
    "article": ("/email/quota/", None),
    "tags": ("/tags/", None),
    "404": ("/no-such-page/", None),
    "search, results": ("/", lambda p: (open_search(p, "mailbox full"), _results(p))),
    "search, none": ("/", lambda p: (open_search(p, NOTHING), _none(p))),
    "ticket page, suggestions": ("/support/open-a-ticket/", _ticket),
    "API docs": ("/api/docs", None),
    # kb serve (its own feedback database): a vote is stored, its button shown pressed.
    "preview, article voted": ("/email/bounces-ndr/", _vote),
}


def serious_violations(page: Any, axe_source: str) -> list[Any]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [(n["target"], n["failureSummary"][:160]) for n in v["nodes"][:4]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _check(
    browser: Any, url: str, state: str, viewport: dict[str, int], scheme: str, axe_source: str
) -> None:
    path, setup = STATES[state]
    url = url.rstrip("/")
    # The API's documentation page sends a strict Content-Security-Policy: axe is injected
    # by the test, not by the page.
    context = browser.new_context(viewport=viewport, color_scheme=scheme, bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(url + path)
        page.wait_for_load_state("load")
        if setup is not None:
            setup(page)
        page.wait_for_timeout(300)  # transitions (the search box opening) have ended
        found = serious_violations(page, axe_source)
        assert found == [], json.dumps(found, indent=1)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("state", list(STATES))
def test_no_serious_violations_with_the_api(
    browser: Any,
    request: pytest.FixtureRequest,
    axe_source: str,
    state: str,
    viewport: dict[str, int],
    scheme: str,
) -> None:
    if state.startswith("preview"):
        url = request.getfixturevalue("served_kb").url
    else:
        url = request.getfixturevalue("site_with_api").url
    _check(browser, url, state, viewport, scheme, axe_source)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("state", ["search, results", "search, none", "404"])
def test_no_serious_violations_on_a_static_host(
    browser: Any,
    static_site: LiveServer,
    axe_source: str,
    state: str,
    viewport: dict[str, int],
    scheme: str,
) -> None:
    """Material's own search (lunr) answers here: its results and its "nothing found"."""
    _check(browser, static_site.url, state, viewport, scheme, axe_source)

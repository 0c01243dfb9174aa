"""`kb report`: the numbers, the text and JSON forms, the HTML page in Chromium, gap stubs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from kb_builder.core.gaps import write_gap_stubs
from kb_feedback.report import build_report, render_html, render_text
from kb_feedback.storage import FeedbackStore, StorageError

TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def seeded(database_url: str) -> str:
    """A month of feedback with known totals, plus older data outside the window."""
    day = [TODAY - dt.timedelta(days=40)]
    store = FeedbackStore.open(database_url, clock=lambda: day[0])
    store.record_event("search_no_results", query="ancient question")
    day[0] = TODAY
    for i in range(6):
        store.record_view("email/quota.md", store.visitor(f"10.0.0.{i}", "ua"))
    for i in range(3):
        store.record_view("email/webmail.md", store.visitor(f"10.0.1.{i}", "ua"))
    for i in range(4):
        v = store.visitor(f"10.0.2.{i}", "ua")
        store.record_vote("email/webmail.md", v, helpful=False, comment=f"No Roundcube steps <{i}>")
    store.record_vote("email/quota.md", store.visitor("10.0.3.1", "ua"), helpful=True)
    store.record_vote("email/quota.md", store.visitor("10.0.3.2", "ua"), helpful=False)
    for kind, n in (
        ("suggestions_shown", 10),
        ("suggestion_opened", 6),
        ("deflected", 3),
        ("ticket_filed", 2),
    ):
        for _ in range(n):
            store.record_event(kind, path="email/quota.md" if kind != "suggestions_shown" else None)
    for query, n in (
        ("How to change MX record", 4),
        ("how to change mx record?", 2),
        ("dkim selector", 3),
    ):
        for _ in range(n):
            store.record_event("search_no_results", query=query)
    store.record_event("ticket_filed", query="DKIM selector")
    store.record_event("search_no_click", query="password is Hunter2!! wrong")
    store.close()
    return database_url


def test_the_report_counts_the_window(seeded: str) -> None:
    report = build_report(seeded, days=30, today=TODAY, titles={"email/quota.md": "Mailbox quota"})
    assert (report.since, report.until, report.days) == (TODAY - dt.timedelta(days=29), TODAY, 30)
    f = report.funnel
    assert (f.suggestions_shown, f.suggestion_opened, f.deflected, f.ticket_filed) == (10, 6, 3, 3)
    assert f.deflection_rate == 0.3
    [quota] = report.deflection
    assert (quota.title, quota.opened, quota.deflected, quota.filed, quota.rate) == (
        "Mailbox quota",
        6,
        3,
        2,
        0.5,
    )
    assert [(a.path, a.views, a.helpful, a.not_helpful) for a in report.top_viewed] == [
        ("email/quota.md", 6, 1, 1),
        ("email/webmail.md", 3, 0, 4),
    ]
    assert [(a.path, a.not_helpful) for a in report.least_helpful] == [
        ("email/webmail.md", 4),
        ("email/quota.md", 1),
    ]
    assert sorted(report.least_helpful[0].comments) == [
        f"No Roundcube steps <{i}>" for i in range(4)
    ]
    assert [(g.query, g.count, dict(g.sources)) for g in report.gaps] == [
        ("How to change MX record", 6, {"search_no_results": 6}),
        ("dkim selector", 4, {"search_no_results": 3, "ticket_filed": 1}),
        ("password is [redacted] wrong", 1, {"search_no_click": 1}),
    ]
    assert "ancient question" not in report.to_json()


def test_text_and_json(seeded: str) -> None:
    report = build_report(seeded, today=TODAY)
    text = render_text(report)
    assert "Deflection funnel" in text and "Content gaps" in text
    assert "Suggestions shown      10      100%" in text
    assert "Deflection rate: 30%" in text
    data = json.loads(report.to_json())
    assert list(data) == [
        "since",
        "until",
        "days",
        "funnel",
        "deflection",
        "top_viewed",
        "least_helpful",
        "gaps",
    ]
    assert data["funnel"]["deflection_rate"] == 0.3
    assert data["gaps"][0]["variants"] == ["How to change MX record", "how to change mx record?"]


def test_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no feedback database at"):
        build_report(f"sqlite:///{tmp_path / 'none.sqlite3'}")


def test_the_html_report_renders_its_charts_without_any_request(
    seeded: str, tmp_path: Path, page: Any
) -> None:
    report = build_report(seeded, today=TODAY)
    html = render_html(report)
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "No Roundcube steps &lt;0&gt;" in html  # escaped
    file = tmp_path / "report.html"
    file.write_text(html, encoding="utf-8")
    page.goto(file.as_uri())
    assert page.requests == [file.as_uri()]
    for section, bars in (
        ("#funnel", 4),
        ("#deflection", 1),
        ("#top-viewed", 2),
        ("#least-helpful", 2),
        ("#gaps", 3),
    ):
        chart = page.locator(f"{section} svg")
        assert chart.count() == 1, section
        assert chart.locator("rect.bar").count() == bars, section
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 20, section
    widths = [
        float(w)
        for w in page.locator("#funnel rect.bar").evaluate_all(
            "els => els.map(e => e.getAttribute('width'))"
        )
    ]
    assert widths[0] == max(widths) and widths[0] > widths[1] > widths[2]
    assert "What was missing:" in page.locator("#least-helpful").inner_text()


def test_gap_stubs_are_drafts_that_pass_the_checks(seeded: str, tmp_path: Path) -> None:
    from kb_builder.core.articles import load_articles
    from kb_builder.core.checks import CheckOptions, check_articles

    report = build_report(seeded, today=TODAY)
    docs = tmp_path / "docs"
    written = write_gap_stubs(report, docs, limit=2, section="email")
    assert [p.relative_to(docs).as_posix() for p in written] == [
        "email/how-to-change-mx-record.md",
        "email/dkim-selector.md",
    ]
    text = written[0].read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: How to change MX record\n")
    assert "draft: true" in text
    assert "keywords:\n- How to change MX record\n- how to change mx record?\n" in text
    articles = load_articles(docs)
    assert all(a.draft for a in articles)
    problems = check_articles(
        articles,
        CheckOptions(extra={}, nav_paths=frozenset(), review_after_days=365, include_drafts=True),
    )
    assert [str(p) for p in problems if p.severity.name == "ERROR"] == []
    # Never overwrite an author's work.
    written[0].write_text("edited by an author", encoding="utf-8")
    assert write_gap_stubs(report, docs, limit=2, section="email") == []
    assert written[0].read_text(encoding="utf-8") == "edited by an author"

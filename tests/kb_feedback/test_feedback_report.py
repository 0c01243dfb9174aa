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
        store.record_view("email/quota.md", store.visitor(f"10.0.0.{i}"))
    for i in range(3):
        store.record_view("email/webmail.md", store.visitor(f"10.0.1.{i}"))
    for i in range(4):
        v = store.visitor(f"10.0.2.{i}")
        store.record_vote("email/webmail.md", v, helpful=False, comment=f"No Roundcube steps <{i}>")
    store.record_vote("email/quota.md", store.visitor("10.0.3.1"), helpful=True)
    store.record_vote("email/quota.md", store.visitor("10.0.3.2"), helpful=False)
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
    # Without the index, a search nobody clicked is no evidence of a gap: left out.
    assert [(g.query, g.count, dict(g.sources)) for g in report.gaps] == [
        ("How to change MX record", 6, {"search_no_results": 6}),
        ("dkim selector", 4, {"search_no_results": 3, "ticket_filed": 1}),
    ]
    assert "ancient question" not in report.to_json()


def test_text_and_json(seeded: str) -> None:
    report = build_report(seeded, today=TODAY)
    text = render_text(report)
    assert "Deflection funnel" in text and "Content gaps" in text
    blocks = text.split("\n\n")
    assert blocks[1] == (
        "Deflection funnel\n"
        "10 customer(s) were shown suggestions. 6 of 10 opened a suggested article, 3 of 10 "
        "solved their problem without a ticket, and 3 filed a ticket anyway. 1 of 10 did "
        "nothing after seeing suggestions.\n"
        "stage               count  of shown\n"
        "------------------  -----  ---------------------\n"
        "Suggestions shown      10  10 of 10 shown (100%)\n"
        "Article opened          6  6 of 10 shown (60%)\n"
        "Solved (deflected)      3  3 of 10 shown (30%)\n"
        "Filed anyway            3  3 of 10 shown (30%)"
    )
    # Four votes are not a rate: counts only (the default minimum is 5 votes).
    assert blocks[4].splitlines()[:5] == [
        "Least helpful (shares from 5 votes on)",
        "article           not helpful  helpful  not helpful of votes",
        "----------------  -----------  -------  --------------------",
        "email/webmail.md            4        0  4 of 4 votes",
        "email/quota.md              1        1  1 of 2 votes",
    ]
    fewer = render_text(build_report(seeded, today=TODAY, min_votes=2))
    assert "email/webmail.md            4        0  4 of 4 votes (100%)" in fewer
    assert "email/quota.md              1        1  1 of 2 votes (50%)" in fewer
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
        "off_topic",
        "min_votes",
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
    assert "<script" not in html and "http://" not in html
    assert "No Roundcube steps &lt;0&gt;" in html  # escaped
    file = tmp_path / "report.html"
    file.write_text(html, encoding="utf-8")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(file.as_uri())
    assert page.requests == [file.as_uri()]
    for section, bars in (
        ("#funnel", 4),
        ("#deflection", 1),
        ("#top-viewed", 2),
        ("#least-helpful", 2),
        ("#gaps", 2),
    ):
        chart = page.locator(f"{section} .chart")
        assert chart.count() == 1, section
        assert chart.locator(".bar").count() == bars, section
        box = chart.bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 20, section
    widths = page.locator("#funnel .bar").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert widths[0] == max(widths) and widths[0] > widths[1] > widths[2]
    assert page.locator("#funnel .words").inner_text() == (
        "10 customer(s) were shown suggestions. 6 of 10 opened a suggested article, 3 of 10 "
        "solved their problem without a ticket, and 3 filed a ticket anyway. 1 of 10 did "
        "nothing after seeing suggestions."
    )
    assert page.locator("#deflection .value").all_inner_texts() == ["3 of 6 opened (50%), 2 filed"]
    assert page.locator("#top-viewed .value").all_inner_texts() == ["6 views", "3 views"]
    # Below the minimum of votes: counts, no share, and a grey bar rather than a red one.
    assert page.locator("#least-helpful .value").all_inner_texts() == [
        "4 of 4 votes not helpful",
        "1 of 2 votes not helpful",
    ]
    colours = page.locator("#least-helpful .bar").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    assert colours == ["rgb(138, 138, 138)", "rgb(138, 138, 138)"]
    assert "What was missing:" in page.locator("#least-helpful").inner_text()
    assert page.locator("#off-topic").inner_text().endswith("None in this period.")


def test_the_html_report_fits_a_phone(seeded: str, tmp_path: Path, page: Any) -> None:
    file = tmp_path / "report.html"
    file.write_text(render_html(build_report(seeded, today=TODAY)), encoding="utf-8")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(file.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    sizes = page.locator(".chart .label, .chart .value").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 14
    # On a phone each label stands above its bar, which keeps a readable width.
    label = page.locator("#gaps .label").first.bounding_box()
    bar = page.locator("#gaps .track").first.bounding_box()
    assert label is not None and bar is not None
    assert label["y"] + label["height"] <= bar["y"] + 1 and bar["width"] > 200
    # Tables scroll inside their box rather than squeeze a column to a letter a line.
    first = page.locator("#gaps td").first.bounding_box()
    assert first is not None and first["width"] > 80
    assert page.locator("#gaps .scroll").evaluate("e => e.scrollWidth > e.clientWidth")
    for box in page.locator("section").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    ):
        assert box <= 390


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
    assert "keywords:\n- How to change MX record\n- how to change mx record\n" in text
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


def test_gaps_are_needs_no_published_article_answers(tmp_path: Path, built_kb: Path) -> None:
    import search
    from kb_builder.core.gaps import gap_judge

    url = f"sqlite:///{tmp_path / 'gaps.sqlite3'}"
    store = FeedbackStore.open(url, clock=lambda: TODAY)
    for kind, query, n in (
        # Answered by the bounces article (a keyword of it): nobody clicked, that is all.
        ("search_no_click", "mail comes back", 3),
        ("search_no_click", "550 5.1.1", 2),
        # A typo search corrects, merged with its correction; a ticket was filed after.
        ("search_no_click", "cpanle pasword", 2),
        ("ticket_filed", "cpanel password", 1),
        # Far from hosting.
        ("search_no_results", "kubernetes", 4),
        # Real gaps, tied at 2: the zero-result search first.
        ("search_no_click", "how do i use redis", 2),
        ("search_no_results", "redis", 2),
    ):
        for _ in range(n):
            store.record_event(kind, query=query)
    store.close()
    kb = search.open_index(built_kb / ".kb" / "index")
    report = build_report(url, today=TODAY, judge=gap_judge(kb))
    assert [(g.query, g.count, dict(g.sources), g.variants) for g in report.gaps] == [
        (
            "cpanel password",
            3,
            {"search_no_click": 2, "ticket_filed": 1},
            ("cpanle pasword", "cpanel password"),
        ),
        ("redis", 2, {"search_no_results": 2}, ("redis",)),
        ("how do i use redis", 2, {"search_no_click": 2}, ("how do i use redis",)),
    ]
    assert [(g.query, g.count) for g in report.off_topic] == [("kubernetes", 4)]
    # The table's length is an option.
    short = build_report(url, today=TODAY, judge=gap_judge(kb), gap_limit=1)
    assert [g.query for g in short.gaps] == ["cpanel password"]
    # Without a ticket the corrected typo is answered (by its title, despite a low score).
    url2 = f"sqlite:///{tmp_path / 'typo.sqlite3'}"
    store = FeedbackStore.open(url2, clock=lambda: TODAY)
    for _ in range(3):
        store.record_event("search_no_click", query="cpanle pasword")
    store.close()
    assert build_report(url2, today=TODAY, judge=gap_judge(kb)).gaps == []


HOSTILE_QUERIES = (
    "<svg/onload=alert(1)>",
    "<img src=x onerror=alert(2)> mail",
    "]] [x](javascript:alert(3))",
    "{{ extra.x }} backup",
    "---",
    "yes",
    "null: [a, b] #c",
    "- *bold* & `code` | table",
    "&lt;script&gt;alert(4)&lt;/script&gt;",
)


def test_gap_drafts_of_hostile_queries_hold_no_markup_and_pass_the_checks(tmp_path: Path) -> None:
    from kb_builder.core.articles import load_articles
    from kb_builder.core.checks import CheckOptions, check_articles

    url = f"sqlite:///{tmp_path / 'hostile.sqlite3'}"
    store = FeedbackStore.open(url, clock=lambda: TODAY)
    for query in HOSTILE_QUERIES:
        for _ in range(3):
            store.record_event("search_no_results", query=query)
    store.close()
    report = build_report(url, today=TODAY, gap_limit=50)
    docs = tmp_path / "docs"
    written = write_gap_stubs(report, docs, limit=50, section="email")
    assert len(written) == len(HOSTILE_QUERIES)
    for path in written:
        text = path.read_text(encoding="utf-8")
        for raw in ("<", ">", "{{", "]]", "javascript:", "`", "&lt;"):
            assert raw not in text.replace("&#60;", "").replace("&#62;", ""), (path, raw)
    articles = load_articles(docs)
    assert all(a.draft for a in articles) and len(articles) == len(HOSTILE_QUERIES)
    titles = sorted(a.title for a in articles)
    assert titles == sorted(
        [
            "Svg/onload alert(1)",
            "Img src x onerror alert(2) mail",
            "X (javascript alert(3))",
            "Extra.x backup",
            "Unanswered question",
            "Yes",
            "Null a, b c",
            "Bold code table",
            "Lt script gt alert(4) lt /script gt",
        ]
    )
    problems = check_articles(articles, CheckOptions(include_drafts=True))
    assert [str(p) for p in problems if p.severity.name == "ERROR"] == []

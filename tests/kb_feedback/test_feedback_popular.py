""" "Most viewed" and "Recently updated" at build time (kb_builder.core.blocks)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb_builder.core.blocks import load_popularity, popular_blocks
from kb_builder.core.popular import database_url_for_build
from kb_builder.core.site import Site
from kb_feedback.storage import FeedbackStore

TODAY = dt.date(2025, 6, 30)


def _article(title: str, reviewed: str | None = None) -> str:
    extra = f"last_reviewed: {reviewed}\n" if reviewed else ""
    front = f"title: {title}\nsummary: About {title}.\ntags: [email]\n{extra}"
    return f"---\n{front}---\n\n## Steps\n\nText.\n"


def _site(tmp_path: Path) -> Site:
    docs = tmp_path / "docs"
    files = {
        "index.md": "---\ntitle: Home\n---\n",
        "email/index.md": "---\ntitle: Email\n---\n",
        "email/quota.md": _article("Quota <full>", "2025-01-10"),
        "email/webmail.md": _article("Webmail", "2025-05-01"),
        "email/old.md": _article("Old"),
        "hosting/index.md": "---\ntitle: Hosting\n---\n",
        "hosting/error-500.md": _article("Error 500", "2024-12-01"),
    }
    for rel, text in files.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    return Site.load(docs, sections=["email", "hosting"])


def test_most_viewed_and_recently_updated(tmp_path: Path) -> None:
    site = _site(tmp_path)
    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    day = [TODAY - dt.timedelta(days=60)]
    store = FeedbackStore.open(url, clock=lambda: day[0])
    for i in range(9):  # outside the 30-day window
        store.record_view("email/webmail.md", store.visitor(f"10.0.0.{i}"))
    day[0] = TODAY
    for path, n in (("email/quota.md", 3), ("email/webmail.md", 2), ("hosting/error-500.md", 1)):
        for i in range(n):
            store.record_view(path, store.visitor(f"10.1.0.{i}"))
    store.close()

    popularity = load_popularity(site, database_url=url, today=TODAY)
    home = site.by_path["index.md"]
    html = popular_blocks(popularity, site, home, limit=2)
    assert html.index("Most viewed") < html.index("Recently updated")
    assert (
        '<a href="email/quota/">Quota &lt;full&gt;</a> <span class="kb-note">3 views</span>' in html
    )
    assert '<a href="email/webmail/">Webmail</a> <span class="kb-note">2 views</span>' in html
    assert 'Error 500</a> <span class="kb-note">1 view' not in html  # limit=2
    # "Old" has no last_reviewed and no git history: its file date (today) makes it newest.
    recent = html[html.index("Recently updated") :]
    assert recent.index(">Old<") < recent.index(">Webmail<")

    email = site.by_path["email/index.md"]
    section = popular_blocks(popularity, site, email, section="email", limit=5)
    assert "Error 500" not in section
    assert '<a href="quota/">Quota &lt;full&gt;</a>' in section


def test_without_a_database_most_viewed_is_left_out(tmp_path: Path) -> None:
    site = _site(tmp_path)
    home = site.by_path["index.md"]
    html = popular_blocks(load_popularity(site, database_url=None), site, home)
    assert "Most viewed" not in html and "Recently updated" in html
    missing = f"sqlite:///{tmp_path / 'missing.sqlite3'}"
    html = popular_blocks(load_popularity(site, database_url=missing), site, home)
    assert "Most viewed" not in html
    assert not (tmp_path / "missing.sqlite3").exists()  # never created at build time


def test_the_build_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    assert database_url_for_build(None, tmp_path) is None
    (tmp_path / ".kb").mkdir()
    (tmp_path / ".kb" / "kb.sqlite3").write_bytes(b"")
    expected = f"sqlite:///{tmp_path / '.kb' / 'kb.sqlite3'}"
    assert database_url_for_build(None, tmp_path) == expected
    monkeypatch.setenv("KB_DATABASE_URL", "postgresql+psycopg://kb@db/kb")
    assert database_url_for_build(None, tmp_path) == "postgresql+psycopg://kb@db/kb"
    assert database_url_for_build("sqlite:///x.db", tmp_path) == "sqlite:///x.db"

"""Real MkDocs builds of small sites with the plugin on."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb_builder.building import BuildFailed
from kb_builder.cli import main
from tests.conftest import article


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_landing_pages_list_their_articles_and_home_lists_sections(make_site):
    site = make_site(
        {
            "email/quota.md": article(
                "Mailbox quota < 1 GB", summary="When the mailbox is full & more."
            ),
            "email/forwarders.md": article("Forwarders", summary="Copy mail elsewhere."),
        }
    )
    out = site.build()
    landing = (out / "email" / "index.html").read_text()
    assert "2 articles in this section" in landing
    assert '<a href="forwarders/">Forwarders</a>' in landing
    assert "Mailbox quota &lt; 1 GB" in landing
    assert "When the mailbox is full &amp; more." in landing
    assert landing.index("Forwarders") < landing.index("Mailbox quota &lt; 1 GB")
    home = (out / "index.html").read_text()
    assert '<a href="email/">EMAIL</a> <span class="kb-note">(2 articles)</span>' in home


def test_article_page_shows_related_and_section_articles(make_site):
    site = make_site(
        {
            "email/quota.md": article("Quota", extra_front="related: [hosting/disk.md]"),
            "email/forwarders.md": article("Forwarders"),
            "hosting/disk.md": article("Disk usage", summary="What uses your space."),
        }
    )
    page = (site.build() / "email" / "quota" / "index.html").read_text()
    related = page[page.index("Related articles") :]
    assert '<a href="../../hosting/disk/">Disk usage</a>' in related
    assert "More in EMAIL" in page and '<a href="../forwarders/">Forwarders</a>' in page


def test_pages_written_before_the_index_worker_finished_get_their_related_articles(make_site):
    # The index worker starts a Python process and builds the index; pages render
    # meanwhile, and those written before it finished get their related articles after.
    site = make_site(
        {
            "email/quota.md": article("Mailbox quota", "Mailbox quota full, mailbox storage."),
            "email/storage.md": article("Mailbox storage", "Mailbox storage and quota."),
            "hosting/disk.md": article("Disk usage", "Disk space of the hosting account."),
        },
        plugin={"search_index": True},
    )
    out = site.build()
    for page in out.rglob("index.html"):
        assert "kb:related" not in page.read_text()
    quota = (out / "email" / "quota" / "index.html").read_text()
    related = quota[quota.index("Related articles") :]
    assert '<a href="../storage/">Mailbox storage</a>' in related


def test_placeholders_come_from_extra(make_site):
    site = make_site({"email/quota.md": article("Quota", "Write to {{ extra.support_email }}.")})
    page = (site.build() / "email" / "quota" / "index.html").read_text()
    assert "Write to support@example.com." in page


def test_a_knowledge_base_of_landing_pages_only_builds_and_searches(make_site):
    """A new knowledge base has sections before it has articles."""
    import search

    site = make_site({}, plugin={"search_index": True})
    assert (site.build() / "email" / "index.html").exists()
    kb = search.open_index(site.root / ".kb" / "index")
    assert kb.query("email").paths == []


def test_drafts_are_left_out_of_the_build(make_site):
    site = make_site(
        {
            "email/quota.md": article("Quota"),
            "email/wip.md": article("Unfinished", extra_front="draft: true"),
        }
    )
    out = site.build()
    assert not (out / "email" / "wip").exists()
    assert "Unfinished" not in (out / "email" / "index.html").read_text()


def test_failed_build_leaves_previous_site_byte_for_byte(make_site, site_factory):
    site = make_site({"email/quota.md": article("Quota")})
    out = site.build()
    before = tree_digest(out)
    (site.root / "docs" / "email" / "quota.md").write_text("---\ntitle: Quota\ntags: x\n---\n")
    with pytest.raises(BuildFailed, match="previous site kept"):
        site.build()
    assert tree_digest(out) == before
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".staging")] == []


def test_strict_warning_fails_without_publishing(make_site):
    site = make_site({"email/quota.md": article("Quota")})
    out = site.build()
    before = tree_digest(out)
    (site.root / "docs" / "email" / "quota.md").write_text(
        article("Quota changed", extra_front="sumary: typo")
    )
    with pytest.raises(BuildFailed, match="strict"):
        site.build(strict=True)
    assert tree_digest(out) == before
    site.build()
    assert "Quota changed" in (out / "email" / "quota" / "index.html").read_text()


EXTERNAL_RESOURCE = re.compile(
    r"""<(?:script|img|iframe|source|link)\b[^>]*?\s(?:src|href)\s*=\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def test_built_site_requests_nothing_from_third_parties(make_site):
    out = make_site({"email/quota.md": article("Quota")}).build()
    for page in out.rglob("*.html"):
        html = page.read_text()
        assert "fonts.googleapis.com" not in html, page
        assert "fonts.gstatic.com" not in html, page
        assert not EXTERNAL_RESOURCE.search(html), (page, EXTERNAL_RESOURCE.search(html))
    for css in out.rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:", css.read_text()), css


def test_plugin_is_registered_by_entry_point(site_factory, tmp_path):
    site_factory.write(
        {
            "email/index.md": "---\ntitle: Email\n---\n\nMail.\n",
            "email/quota.md": article("Quota"),
        }
    )
    config = (tmp_path / "mkdocs.yml").read_text().replace("- search\n- tags\n", "")
    (tmp_path / "mkdocs.yml").write_text(config)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "1 article in this section" in (tmp_path / "site" / "email" / "index.html").read_text()


def test_kb_new_writes_template_and_refuses_to_overwrite(make_site, tmp_path):
    make_site(
        {
            "support/priorities.md": article("Priorities"),
            "support/channels.md": article("Channels"),
        }
    )
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        first = runner.invoke(main, ["new", "Setting up: an autoresponder", "--section", "email"])
        assert first.exit_code == 0, first.output
        path = tmp_path / "docs" / "email" / "setting-up-an-autoresponder.md"
        text = path.read_text()
        assert text.startswith('---\ntitle: "Setting up: an autoresponder"\n')
        for heading in ("## Symptoms", "## Steps", "## Still stuck?"):
            assert heading in text
        path.write_text(text + "\nMy edits.\n")
        second = runner.invoke(main, ["new", "Setting up: an autoresponder", "--section", "email"])
        assert second.exit_code == 1
        assert "already exists" in second.output
        assert path.read_text().endswith("My edits.\n")
        wrong = runner.invoke(main, ["new", "X", "--section", "mail"])
        assert wrong.exit_code == 2
        assert "expected one of whm, cpanel, email, hosting, security, support, got 'mail'" in (
            wrong.output
        )
        # the scaffold is a valid (draft) article
        check = runner.invoke(main, ["check", str(path)])
        assert check.exit_code == 0, check.output
    finally:
        os.chdir(old)

"""Builds that die or hit a broken disk leave the last good site and index in place."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import search
from tests.conftest import article, minimal_sections
from tests.kb_builder.test_build import tree_digest

WORDS = (
    "mailbox quota dns record nameserver certificate autossl backup restore cron php "
    "database user password reset login firewall redirect htaccess account package limit "
    "domain addon subdomain forwarder bounce spam filter webmail imap smtp port"
).split()


def many_articles(n: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    files = {}
    for i in range(n):
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) + "." for _ in range(6))
        section = ("whm", "cpanel", "email", "hosting")[i % 4]
        files[f"{section}/topic-{seed}-{i}.md"] = article(f"Topic {seed} {i}", body)
    return files


def kb_build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kb_builder.cli", "build", *extra],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def big_site(site_factory):
    site_factory.write(
        {**minimal_sections(), **many_articles(120, seed=1)},
        plugin={"search_index": True},
    )
    result = kb_build(site_factory.root)
    assert result.returncode == 0, result.stderr
    return site_factory


def processes_in(folder: Path) -> list[int]:
    """Processes whose working directory is ``folder`` (the builds' and their workers')."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if Path(os.readlink(proc / "cwd")) == folder:
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def index_state(root: Path) -> tuple[str, list[str]]:
    link = root / ".kb" / "index"
    kb = search.open_index(link)
    hits = [h.path for h in kb.query("mailbox quota", limit=3).hits]
    return os.readlink(link), hits


def test_sigkill_at_random_points_keeps_last_good_site_and_index(big_site):
    root = big_site.root
    site_before = tree_digest(root / "site")
    index_before = index_state(root)
    assert index_before[1], "the index answers before the kills"
    # Change the content, so a build that got through would be visible.
    (root / "docs" / "email" / "topic-1-2.md").write_text(article("Changed title"))
    started = time.monotonic()
    assert kb_build(root).returncode == 0
    full = time.monotonic() - started
    (root / "docs" / "email" / "topic-1-2.md").write_text(article("Changed again"))
    site_after_good = tree_digest(root / "site")
    index_after_good = index_state(root)
    rng = random.Random(7)
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-m", "kb_builder.cli", "build"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, full * 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert tree_digest(root / "site") == site_after_good
        link, hits = index_state(root)
        assert link == index_after_good[0] and hits == index_after_good[1]
    assert site_after_good != site_before
    # No index worker outlives its killed build.
    time.sleep(1)
    assert processes_in(root) == []
    # The next build recovers: publishes and leaves no staging directories behind.
    assert kb_build(root).returncode == 0
    assert "Changed again" in (root / "site" / "email" / "topic-1-2" / "index.html").read_text()
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".staging")]
    assert leftovers == []


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[list[Path]]:
    if os.geteuid() != 0:
        pytest.fail("this test mounts a read-only folder and a full disk: run it as root (CI does)")
    points: list[Path] = []
    yield points
    for point in reversed(points):
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_read_only_index_dir_gives_a_clear_error(big_site, mounted):
    root = big_site.root
    before = tree_digest(root / "site")
    kb = root / ".kb"
    subprocess.run(["mount", "--bind", "-o", "ro", str(kb), str(kb)], check=True)
    mounted.append(kb)
    result = kb_build(root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Cannot write the search index in" in result.stderr
    assert "Read-only file system" in result.stderr
    assert tree_digest(root / "site") == before


def test_full_disk_gives_a_clear_error(site_factory, mounted, tmp_path):
    # Builds write their release (site and index) under .kb/: put it on a small disk.
    disk = site_factory.root / ".kb"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], check=True)
    mounted.append(disk)
    site_factory.write({**minimal_sections(), "email/quota.md": article("Quota")})
    assert kb_build(site_factory.root).returncode == 0
    before = tree_digest(site_factory.root / "site")
    # Enough pages that a second copy of the site cannot fit beside the first.
    big = many_articles(60, seed=2)
    for rel, text in big.items():
        path = site_factory.root / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = kb_build(site_factory.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "No space left on device" in result.stderr
    assert tree_digest(site_factory.root / "site") == before


def test_a_preview_index_that_cannot_be_written_logs_and_keeps_answering(
    site_factory, mounted, tmp_path, caplog
):
    from kb_builder.core.site import Site
    from kb_builder.preview import PreviewIndex

    site_factory.write({**minimal_sections(), "email/quota.md": article("Mailbox quota")})
    docs = site_factory.root / "docs"
    sections = ("whm", "cpanel", "email", "hosting", "security", "support")
    site = Site.load(docs, sections=sections, include_drafts=True)
    kb_dir = tmp_path / "kbdir"
    preview = PreviewIndex(kb_dir / "index-preview")
    preview.update(site)
    assert preview.related("email/quota.md", limit=5) == []  # the index answers
    subprocess.run(["mount", "--bind", "-o", "ro", str(kb_dir), str(kb_dir)], check=True)
    mounted.append(kb_dir)
    (docs / "email" / "quota.md").write_text(article("Mailbox storage quota", "Zebrafish."))
    edited = Site.load(docs, sections=sections, include_drafts=True, previous=site)
    preview.update_in_background(edited)
    preview.wait()
    messages = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(
        "Cannot write the search index in" in m and "Read-only file system" in m for m in messages
    ), messages
    kb = search.get_knowledge_base(kb_dir / "index-preview")
    assert kb.query("mailbox quota").paths == ["email/quota.md"]
    assert kb.query("zebrafish").paths == []  # still the generation that was written

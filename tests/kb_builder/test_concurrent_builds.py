"""Two `kb build` runs at once on one project: the second waits for the first, both exit 0,
and the published site is one whole build at every moment."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from kb_builder.release import ReleaseError, verify_release
from tests.conftest import SiteFactory, article, minimal_sections
from tests.kb_builder.test_faults import many_articles


def published_release(root: Path) -> Path:
    """The release folder ``site`` resolves to, now (one readlink chain)."""
    return Path(os.path.realpath(root / "site")).parent


def test_two_builds_at_once_publish_whole_builds_and_both_succeed(
    site_factory: SiteFactory,
) -> None:
    root = site_factory.root
    site_factory.write(
        {**minimal_sections(), **many_articles(80, seed=3)}, plugin={"search_index": True}
    )
    first_build = subprocess.run(
        [sys.executable, "-m", "kb_builder.cli", "build"], cwd=root, capture_output=True, text=True
    )
    assert first_build.returncode == 0, first_build.stderr
    (root / "docs" / "email" / "topic-3-2.md").write_text(article("Changed while building"))

    logs = []

    def start(name: str) -> subprocess.Popen[bytes]:
        log = (root / f"{name}.log").open("wb")
        logs.append(log)
        return subprocess.Popen(
            [sys.executable, "-m", "kb_builder.cli", "build"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )

    a = start("a")
    deadline = time.monotonic() + 60
    while not list((root / ".kb" / "releases").glob(".staging-*")):
        assert a.poll() is None and time.monotonic() < deadline, "build A never started"
        time.sleep(0.02)
    b = start("b")  # A holds the lock now
    checked = 0
    while a.poll() is None or b.poll() is None:
        release = published_release(root)
        try:
            verify_release(release, parts=("site",))
        except ReleaseError as e:
            if release.exists():  # a release pruned under our feet is not a partial site
                raise AssertionError(f"the published site is not one whole build: {e}") from e
        checked += 1
    for log in logs:
        log.close()
    assert checked > 0
    a_log, b_log = (root / "a.log").read_text(), (root / "b.log").read_text()
    assert a.returncode == 0, a_log
    assert b.returncode == 0, b_log
    assert f"Another kb build is running in {root / '.kb'} (process {a.pid}); waiting" in b_log
    verify_release(published_release(root))
    page = root / "site" / "email" / "topic-3-2" / "index.html"
    assert "Changed while building" in page.read_text()
    assert list((root / ".kb" / "releases").glob(".staging-*")) == []

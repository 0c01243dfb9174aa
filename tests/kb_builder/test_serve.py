"""``kb serve``: one port for the preview and the API; an edit updates page, listing, index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import article, free_port, minimal_sections, wait_for


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def until(predicate, timeout: float = 60.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if predicate():
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("not updated in time")


def test_edit_updates_page_listing_and_index(site_factory, tmp_path: Path):
    site_factory.write(
        {
            **minimal_sections(),
            "email/quota.md": article("Mailbox quota", "Mailbox full."),
            "email/forwarders.md": article("Forwarders", "Copy mail."),
            "email/wip.md": article("Draft article", "Unfinished.", extra_front="draft: true"),
        },
        plugin={"search_index": True},
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {
        **os.environ,
        "KB_RATE_LIMIT": "0/minute",
        "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}",
    }
    with (tmp_path / "serve.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kb_builder.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(base + "api/health", proc=proc)
        # Drafts are part of the preview.
        assert "Draft article" in fetch(base + "email/")
        (tmp_path / "docs" / "email" / "quota.md").write_text(
            article("Mailbox storage quota", "Mailbox full. Zebrafish alert.")
        )
        until(lambda: "Zebrafish" in fetch(base + "email/quota/"))
        # The section listing shows the new title although email/index.md did not change.
        until(lambda: "Mailbox storage quota" in fetch(base + "email/"))

        def found() -> bool:
            data = json.loads(fetch(base + "api/search?q=zebrafish"))
            return [r["path"] for r in data["results"]] == ["email/quota.md"]

        until(found)
        log_text = (tmp_path / "serve.log").read_text()
        assert "'dirty' build" not in log_text
        # One save, one rebuild: reading the files while building does not count as a
        # change (the native file watcher reports changes only).
        time.sleep(1.5)
        assert (tmp_path / "serve.log").read_text().count("Detected file changes") == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)

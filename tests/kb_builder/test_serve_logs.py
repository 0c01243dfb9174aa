"""``kb serve`` logs no search text: MkDocs' dev server writes the request line of every
answer that is not 200, query string included."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import article, minimal_sections, wait_for
from tests.live_server import free_port

SECRET = "Tidewater88hunter"


def test_serve_logs_no_query_string(site_factory, tmp_path: Path):
    site_factory.write(
        {**minimal_sections(), "email/quota.md": article("Mailbox quota")},
        plugin={"search_index": True},
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}"}
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kb_builder.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(base + "api/health", proc=proc)
        codes = []
        for url in (
            f"api/search?q=my+password+is+{SECRET}",
            f"api/search?q={SECRET}&limit=nonsense",
            f"no/such/page/?q={SECRET}",
        ):
            try:
                codes.append(urllib.request.urlopen(base + url, timeout=10).status)
            except urllib.error.HTTPError as e:
                codes.append(e.code)
        assert codes[0] == 200 and min(codes[1:]) >= 400  # answers MkDocs logs in full
        deadline = time.monotonic() + 10  # the line is written after the answer is sent
        while "GET /no/such/page/" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    printed = log_path.read_text()
    assert "GET /no/such/page/" in printed  # the dev server did log the requests
    assert SECRET not in printed
    assert "127.0.0.1" not in printed.replace(f"Serving on http://127.0.0.1:{port}/", "")

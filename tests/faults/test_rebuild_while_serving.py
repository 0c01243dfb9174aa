"""``kb build`` swaps a new index in under a serving API: no request fails, and the new
content becomes visible.

The API (two uvicorn workers, as deployed) serves a copy of the real knowledge base
while threads loop over search, suggest, health, views and stats; meanwhile ``kb build``
runs twice, first adding an article, then changing it. Every answer must be 200, and
after each build the API must find the new words and no longer the replaced ones.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import article
from tests.faults.api_process import ApiProcess, ClientThreads

NEW_ARTICLE = "email/zebracorn-mailboxes.md"
STABLE = "email/quota.md"
THREADS = 4


def _requests(client: httpx.Client, i: int) -> httpx.Response:
    kind = i % 5
    if kind == 0:
        return client.get("/api/search", params={"q": f"mailbox full {i % 7}"})
    if kind == 1:
        ticket = {"subject": "mail bounces", "body": f"552 5.2.2 mailbox full, try {i}"}
        return client.post("/api/suggest", json=ticket)
    if kind == 2:
        reader = {"x-forwarded-for": f"10.1.{i // 256 % 256}.{i % 256}"}  # trusted from 127.0.0.1
        return client.post("/api/views", json={"path": STABLE}, headers=reader)
    if kind == 3:
        return client.get(f"/api/articles/{STABLE}/stats")
    return client.get("/api/health")


class Traffic(ClientThreads):
    """Threads looping over the API until stopped; every answer's status is kept."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.lock = threading.Lock()
        super().__init__(self._loop, THREADS)

    def _loop(self, n: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            i = n
            while not self.stop.is_set():
                try:
                    response = _requests(client, i)
                except httpx.TransportError as e:
                    with self.lock:
                        self.failures.append(f"request {i}: {type(e).__name__}: {e}")
                    continue
                with self.lock:
                    self.statuses[response.status_code] += 1
                    if response.status_code != 200:
                        self.failures.append(f"request {i}: {response.status_code} {response.text}")
                i += THREADS

    @property
    def count(self) -> int:
        with self.lock:
            return sum(self.statuses.values())


def kb_build(root: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kb_builder.cli", "build"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def found(client: httpx.Client, word: str) -> list[str]:
    response = client.get("/api/search", params={"q": word})
    assert response.status_code == 200, response.text
    return [r["path"] for r in response.json()["results"]]


def wait_until_found(client: httpx.Client, word: str, path: str, timeout: float = 15) -> None:
    """Workers check for a new index generation every second; each must see it."""
    deadline = time.monotonic() + timeout
    # Both workers must answer with the new generation: ask until several answers in a
    # row (spread over the workers by new connections) agree.
    in_a_row = 0
    while in_a_row < 6:
        with httpx.Client(base_url=str(client.base_url), timeout=10) as fresh:
            in_a_row = in_a_row + 1 if path in found(fresh, word) else 0
        assert time.monotonic() < deadline, f"{word!r} did not find {path} after the build"
        time.sleep(0.05)


def test_requests_during_index_swaps_all_succeed(
    kb_copy: Path, tmp_path: Path, start_api: Callable[..., ApiProcess]
) -> None:
    database = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    api = start_api(kb_copy / ".kb" / "index", database, workers=2)
    new_file = kb_copy / "docs" / NEW_ARTICLE
    with httpx.Client(base_url=api.url, timeout=30) as client:
        assert found(client, "zebracorn") == []
        with Traffic(api.url) as traffic:
            new_file.write_text(
                article(
                    "Zebracorn mailboxes",
                    "A zebracorn mailbox fills up fast: check its quota in cPanel.",
                    summary="How zebracorn mailboxes use their quota.",
                ),
                encoding="utf-8",
            )
            before_first = traffic.count
            kb_build(kb_copy)
            wait_until_found(client, "zebracorn", NEW_ARTICLE)
            assert client.get(f"/api/articles/{NEW_ARTICLE}/stats").status_code == 200
            new_file.write_text(
                article(
                    "Quokkaflux mailboxes",
                    "A quokkaflux mailbox fills up fast: check its quota in cPanel.",
                    summary="How quokkaflux mailboxes use their quota.",
                ),
                encoding="utf-8",
            )
            kb_build(kb_copy)
            wait_until_found(client, "quokkaflux", NEW_ARTICLE)
            after_second = traffic.count
        assert NEW_ARTICLE not in found(client, "zebracorn")
    assert traffic.failures == [], f"{len(traffic.failures)} failed: {traffic.failures[:5]}"
    assert set(traffic.statuses) == {200}
    # The loop really ran during both builds (a few requests per second at least).
    assert after_second - before_first >= 50, traffic.statuses

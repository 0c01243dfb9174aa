"""Nothing is lost when several processes vote and count views at once: on SQLite (WAL)
and on a real PostgreSQL server, through the storage layer and through the HTTP API
served by uvicorn with two worker processes."""

from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

import httpx
import pytest
from feedback_workers import OPERATIONS, SHARED, WORKERS, cast_votes_and_views
from sqlalchemy import func, select

from kb_feedback.storage import FeedbackStore
from kb_feedback.storage.schema import events


def test_concurrent_processes_lose_nothing(database_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    processes = [
        ctx.Process(target=cast_votes_and_views, args=(database_url, w, barrier))
        for w in range(WORKERS)
    ]
    started = time.monotonic()
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=120)
    elapsed = time.monotonic() - started
    assert [p.exitcode for p in processes] == [0] * WORKERS

    store = FeedbackStore.open(database_url)
    quota = store.stats("email/quota.md")
    unhelpful_per_worker = len([i for i in range(OPERATIONS) if i % 3 == 0])
    assert quota.views == WORKERS * OPERATIONS
    assert quota.not_helpful == WORKERS * unhelpful_per_worker
    assert quota.helpful == WORKERS * (OPERATIONS - unhelpful_per_worker)
    webmail = store.stats("email/webmail.md")
    assert webmail.views == SHARED
    assert webmail.helpful + webmail.not_helpful == SHARED
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(events)) == WORKERS * OPERATIONS
    store.close()
    writes = WORKERS * OPERATIONS * 7
    print(
        f"\n{database_url.split(':')[0]}: {writes} writes by {WORKERS} processes in {elapsed:.1f} s"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_uvicorn(
    index_dir: Path, database_url: str, port: int, log: IO[bytes]
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "KB_INDEX_DIR": str(index_dir),
        "KB_DATABASE_URL": database_url,
        "KB_RATE_LIMIT": "0/minute",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "kb_api:create_app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "2", "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def test_concurrent_requests_to_two_api_workers_lose_nothing(
    sqlite_url: str, articles_index: Path, tmp_path: Path
) -> None:
    """Two uvicorn workers writing one SQLite file: the busiest single-host setup (the
    storage test above covers PostgreSQL with several processes)."""
    port = _free_port()
    log_path = tmp_path / "uvicorn.log"
    with log_path.open("wb") as log:
        proc = _start_uvicorn(articles_index, sqlite_url, port, log)
        try:
            _check_two_workers(proc, f"http://127.0.0.1:{port}", log_path)
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def _check_two_workers(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            pytest.fail("uvicorn did not start:\n" + log.read_text())
        time.sleep(0.2)

    requests = 80
    path = "hosting/error-500.md"
    with httpx.Client(base_url=base, timeout=30, limits=httpx.Limits(max_connections=8)) as c:

        def visit(i: int) -> tuple[int, int]:
            headers = {"x-forwarded-for": f"10.2.0.{i}"}  # uvicorn trusts it from 127.0.0.1
            view = c.post("/api/views", json={"path": path}, headers=headers).status_code
            vote = {"path": path, "helpful": i % 4 != 0}
            return view, c.post("/api/feedback", json=vote, headers=headers).status_code

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(visit, range(requests)))
        elapsed = time.monotonic() - started
        final = c.get(f"/api/articles/{path}/stats").json()
    assert answers == [(200, 200)] * requests
    unhelpful = len([i for i in range(requests) if i % 4 == 0])
    assert final == {
        "path": path,
        "views": requests,
        "helpful": requests - unhelpful,
        "not_helpful": unhelpful,
    }
    print(f"\n{2 * requests} requests to 2 workers in {elapsed:.1f} s")

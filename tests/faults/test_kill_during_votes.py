"""The API killed with SIGKILL during a burst of votes loses no acknowledged vote.

Threads vote as distinct visitors (one client address each, sent as X-Forwarded-For,
which uvicorn trusts from 127.0.0.1 as from a proxy) over keep-alive connections to two
uvicorn workers; once enough votes have been acknowledged, the whole process group
is killed mid-burst. Every vote answered 2xx before the kill must then be in the
database, read through the storage layer and through the stats endpoint of a restarted
API. Votes in flight at the kill may or may not be there, but nothing else may.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import select

from kb_feedback.storage import FeedbackStore
from kb_feedback.storage.schema import votes
from tests.faults.api_process import ApiProcess, ClientThreads

PATHS = ("email/quota.md", "hosting/error-500.md", "whm/create-account.md")
THREADS = 6
ACKED_BEFORE_KILL = 150
"""Votes acknowledged before the kill: enough that some are surely in flight then."""


@dataclass(frozen=True)
class Vote:
    address: str
    path: str
    helpful: bool


class Burst(ClientThreads):
    """Threads voting until the server goes away; records what was acknowledged."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.acked: list[Vote] = []
        self.sent: list[Vote] = []
        self.unexpected: list[str] = []
        self.lock = threading.Lock()
        super().__init__(self._vote, THREADS)

    def _vote(self, n: int) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as client:
            i = 0
            while not self.stop.is_set():
                address = f"10.{n}.{i // 256 % 256}.{i % 256}"
                vote = Vote(address, PATHS[i % len(PATHS)], i % 3 != 0)
                i += 1
                with self.lock:
                    self.sent.append(vote)
                try:
                    response = client.post(
                        "/api/feedback",
                        json={"path": vote.path, "helpful": vote.helpful},
                        headers={"x-forwarded-for": vote.address},
                    )
                except httpx.TransportError:
                    return  # the server is gone: this vote was not acknowledged
                with self.lock:
                    if response.is_success:
                        self.acked.append(vote)
                    else:
                        self.unexpected.append(f"{response.status_code} {response.text[:200]}")

    def wait_for(self, acked: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked) < acked and time.monotonic() < deadline:
            time.sleep(0.01)


def test_votes_acknowledged_before_sigkill_are_kept(
    built_kb: Path,
    database_url: str,
    start_api: Callable[..., ApiProcess],
) -> None:
    index_dir = built_kb / ".kb" / "index"
    api = start_api(index_dir, database_url, workers=2)
    with Burst(api.url) as burst:
        burst.wait_for(ACKED_BEFORE_KILL)
        api.kill()
    acked, sent = list(burst.acked), list(burst.sent)
    assert burst.unexpected == []
    assert len(acked) >= ACKED_BEFORE_KILL, f"only {len(acked)} votes answered:\n{api.log()}"

    # The storage layer: each acknowledged visitor's vote, with its value.
    store = FeedbackStore.open(database_url)
    try:
        # Visitor ids are HMACs under the day's salt, which the API stored: same ids here.
        ids = {v.address: store.visitor(v.address).id for v in sent}
        with store.engine.connect() as conn:
            rows = conn.execute(select(votes.c.path, votes.c.visitor, votes.c.helpful)).all()
    finally:
        store.close()
    by_visitor = {ids[v.address]: v for v in sent}
    stored = {(row.visitor, row.path): bool(row.helpful) for row in rows}
    lost = [v for v in acked if (ids[v.address], v.path) not in stored]
    assert lost == [], f"{len(lost)} acknowledged vote(s) lost, e.g. {lost[:3]}"
    # Nothing but what was sent, each with the value sent.
    for (visitor, path), helpful in stored.items():
        vote = by_visitor[visitor]
        assert (vote.path, vote.helpful) == (path, helpful)
    in_flight = len(stored) - len(acked)
    assert 0 <= in_flight <= THREADS

    # A restarted API on the same database answers with counts that include them all.
    restarted = start_api(index_dir, database_url, workers=1)
    acked_by_path = Counter((v.path, v.helpful) for v in acked)
    sent_by_path = Counter((v.path, v.helpful) for v in sent)
    with httpx.Client(base_url=restarted.url, timeout=10) as client:
        for path in PATHS:
            counts = client.get(f"/api/articles/{path}/stats").json()
            for helpful, key in ((True, "helpful"), (False, "not_helpful")):
                assert acked_by_path[path, helpful] <= counts[key] <= sent_by_path[path, helpful]

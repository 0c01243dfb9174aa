"""Work done by the processes of the concurrency tests (spawned: keep imports light)."""

from __future__ import annotations

from typing import Any

WORKERS = 4
OPERATIONS = 40
SHARED = 25


def cast_votes_and_views(url: str, worker: int, barrier: Any) -> None:
    """Views, votes and events from this worker's own visitors and from shared ones."""
    from kb_feedback.storage import FeedbackStore

    # Every process opens the fresh database at once: the migrations race too.
    barrier.wait(timeout=120)
    store = FeedbackStore.open(url)
    for i in range(OPERATIONS):
        own = store.visitor(f"10.0.{worker}.{i}")
        store.record_view("email/quota.md", own)
        store.record_view("email/quota.md", own)  # the same visitor again: not counted
        store.record_vote("email/quota.md", own, helpful=i % 3 != 0)
        # The same visitors seen by every process: each counts once, votes once.
        shared = store.visitor(f"192.0.2.{i % SHARED}")
        store.record_view("email/webmail.md", shared)
        store.record_vote("email/webmail.md", shared, helpful=worker % 2 == 0, comment=f"w{worker}")
        store.record_event("deflected", path="email/quota.md")
    store.close()

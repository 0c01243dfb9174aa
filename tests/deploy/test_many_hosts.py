"""Many hosts: API replicas follow one release source and share one PostgreSQL and one
Redis. Real `kb api` processes, a real HTTP object store, Debian's real redis-server."""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kb_builder.publish import current_release
from kb_builder.release import push
from tests.client_networks import check_networks
from tests.conftest import SiteFactory, article, minimal_sections, wait_for
from tests.deploy.conftest import ARTICLES, KB, ApiStarter
from tests.live_server import free_port
from tests.postgres import PostgresServer
from tests.put_server import PutServer
from tests.redis_server import redis_server


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """Debian's redis-server on a free loopback port, stopped at the end."""
    with redis_server(tmp_path) as url:
        yield url


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


def test_the_rate_limit_holds_across_replicas_through_redis(
    kb_api: ApiStarter, small_kb: Path, tmp_path: Path, redis_url: str
) -> None:
    index = small_kb / ".kb" / "index"
    database = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    shared = {"KB_RATE_LIMIT": "6/minute", "KB_RATE_LIMIT_STORAGE": redis_url}
    a = kb_api(index, database, workers=2, **shared)
    b = kb_api(index, database, workers=1, **shared)
    statuses = []
    for n in range(8):  # new connections: both of a's workers answer some
        api = (a, b)[n % 2]
        statuses.append(httpx.get(api.url + "/api/search", params={"q": "quota"}).status_code)
    assert statuses == [200] * 6 + [429] * 2
    refused = httpx.get(b.url + "/api/search", params={"q": "quota"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    # Without the store, each process counts on its own (the embedded default).
    c = kb_api(index, database, workers=1, KB_RATE_LIMIT="6/minute")
    assert [httpx.get(c.url + "/api/search", params={"q": "q"}).status_code for _ in range(6)] == [
        200
    ] * 6


def test_the_shared_limit_counts_an_ipv6_client_by_its_64(
    kb_api: ApiStarter, small_kb: Path, tmp_path: Path, redis_url: str
) -> None:
    api = kb_api(
        small_kb / ".kb" / "index",
        f"sqlite:///{tmp_path / 'kb.sqlite3'}",
        options=("--forwarded-allow-ips", "127.0.0.1"),
        KB_RATE_LIMIT="3/minute",
        KB_RATE_LIMIT_STORAGE=redis_url,
    )
    check_networks(api.url)


def test_a_dead_store_falls_back_to_counting_per_process(
    kb_api: ApiStarter, small_kb: Path, tmp_path: Path
) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    api = kb_api(
        small_kb / ".kb" / "index",
        f"sqlite:///{tmp_path / 'kb.sqlite3'}",
        workers=1,
        KB_RATE_LIMIT="3/minute",
        KB_RATE_LIMIT_STORAGE=dead,
    )
    with httpx.Client(base_url=api.url) as client:  # one connection: one process
        statuses = [client.get("/api/search", params={"q": "quota"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "rate limit store does not answer (ConnectionError" in api.output()


def build(root: Path) -> str:
    done = subprocess.run([KB, "build"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    release = current_release(root / ".kb")
    assert release is not None
    return release.name


def test_two_replicas_follow_one_release_source_with_no_failed_request(
    kb_api: ApiStarter, tmp_path: Path, postgres: PostgresServer
) -> None:
    builder = tmp_path / "build-host"
    SiteFactory(builder).write({**minimal_sections(), **ARTICLES}, plugin={"search_index": True})
    first = build(builder)
    database = postgres.new_database()
    with PutServer(tmp_path / "object-store") as store:
        source = store.url + "/kb"
        push(current_release(builder / ".kb") or builder, source)
        replicas = [
            kb_api(tmp_path / f"host-{n}" / "index", database, workers=2, KB_INDEX_FROM=source,
                   KB_INDEX_POLL_SECONDS="0.3")
            for n in (1, 2)
        ]  # fmt: skip
        for api in replicas:
            wait_for(api.url + "/api/readyz")
            ready = httpx.get(api.url + "/api/readyz").json()
            assert ready["generation"] == first
            assert ready["checks"] == {"index": "ok", "database": "ok"}
        # Each replica installed the index in its own folder, not the site.
        for n in (1, 2):
            assert not (tmp_path / f"host-{n}" / "releases" / first / "site").exists()

        statuses: Counter[int] = Counter()
        failures: list[str] = []
        stop = threading.Event()
        lock = threading.Lock()

        def traffic(api_url: str) -> None:
            with httpx.Client(base_url=api_url, timeout=30) as client:
                while not stop.is_set():
                    try:
                        r = client.get("/api/search", params={"q": "zebracorn mailbox"})
                        v = client.post("/api/views", json={"path": "email/quota.md"})
                    except httpx.TransportError as e:
                        with lock:
                            failures.append(f"{type(e).__name__}: {e}")
                        continue
                    with lock:
                        for response in (r, v):
                            statuses[response.status_code] += 1
                            if response.status_code >= 300:
                                failures.append(f"{response.status_code} {response.text}")

        threads = [threading.Thread(target=traffic, args=(api.url,)) for api in replicas * 2]
        for t in threads:
            t.start()
        try:
            (builder / "docs" / "email" / "zebracorn.md").write_text(
                article("Zebracorn mailboxes", "A zebracorn mailbox never fills up.")
            )
            second = build(builder)
            assert second != first
            push(current_release(builder / ".kb") or builder, source)
            deadline = time.monotonic() + 60
            for api in replicas:
                # Each worker follows the source by itself, and which worker accepts a new
                # connection is up to the kernel (one worker may take many in a row): wait
                # until twenty answers in a row, each on a new connection, come from the new
                # release, both in what readyz names and in what search finds.
                in_a_row = 0
                while in_a_row < 20:
                    assert time.monotonic() < deadline, api.output()
                    ready = httpx.get(api.url + "/api/readyz").json().get("generation")
                    hits = httpx.get(api.url + "/api/search", params={"q": "zebracorn"}).json()
                    found = [h["path"] for h in hits["results"]][:1]
                    if ready == second and found == ["email/zebracorn.md"]:
                        in_a_row += 1
                    else:
                        in_a_row = 0
                        time.sleep(0.1)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
    assert failures == []
    assert statuses[200] + statuses[204] > 20

"""/api/livez, /api/readyz and /api/metrics over real HTTP (the app under uvicorn in this
process), and the request id and log line of every answer."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kb_api import Settings, create_app
from kb_api.observability import LogFormatter
from kb_api.settings import RateLimit
from search.indexing import generation_name
from tests.live_server import LiveServer


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    servers: list[LiveServer] = []

    def start(**overrides: Any) -> LiveServer:
        options: dict[str, Any] = {
            "database_url": f"sqlite:///{tmp_path / 'kb.sqlite3'}",
            "rate_limit": RateLimit(2, 60.0),  # probes and scrapes must never hit it
        }
        server = LiveServer(create_app(Settings(**{**options, **overrides})), lifespan="on")
        servers.append(server.start())
        return server

    yield start
    for server in servers:
        server.stop()


def generation_of(index_dir: Path) -> str:
    """The release id of the index `kb build` published at ``index_dir``."""
    return generation_name(index_dir.resolve())


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"] and list(body["error"]) == [
        "status",
        "code",
        "message",
        "details",
    ]
    assert (body["error"]["status"], body["error"]["code"]) == (status, code)
    return dict(body["error"])


def test_livez_and_readyz_report_the_generation(
    serve: Callable[..., LiveServer], small_kb: Path
) -> None:
    index_dir = small_kb / ".kb" / "index"
    server = serve(index_dir=index_dir)
    live = httpx.get(server.url + "/api/livez")
    assert live.status_code == 200
    assert live.json()["status"] == "alive"
    ready = httpx.get(server.url + "/api/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {
        "status": "ready",
        "generation": generation_of(index_dir),
        "checks": {"index": "ok", "database": "ok"},
    }
    # Once the index is open, livez names its generation too.
    assert httpx.get(server.url + "/api/livez").json()["generation"] == generation_of(index_dir)
    # /api/health is unchanged.
    assert httpx.get(server.url + "/api/health").json() == {"status": "ok", "index": "ready"}
    # Never rate limited (the limit here is 2 requests a minute).
    for _ in range(5):
        assert httpx.get(server.url + "/api/readyz").status_code == 200
        assert httpx.get(server.url + "/api/livez").status_code == 200
        assert httpx.get(server.url + "/api/metrics").status_code == 200


def test_readyz_is_503_without_an_index(serve: Callable[..., LiveServer], tmp_path: Path) -> None:
    server = serve(index_dir=tmp_path / "no-index")
    error = assert_error(httpx.get(server.url + "/api/readyz"), 503, "not_ready")
    assert error["details"] == {
        "generation": None,
        "checks": {"index": "unavailable", "database": "ok"},
    }
    assert "index" in error["message"]
    # The process is alive all the same.
    assert httpx.get(server.url + "/api/livez").json() == {"status": "alive", "generation": None}


def test_readyz_is_503_when_the_database_does_not_answer(
    serve: Callable[..., LiveServer], small_kb: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the database's folder should be")
    server = serve(
        index_dir=small_kb / ".kb" / "index", database_url=f"sqlite:///{blocker / 'kb.sqlite3'}"
    )
    error = assert_error(httpx.get(server.url + "/api/readyz"), 503, "not_ready")
    assert error["details"]["checks"] == {"index": "ok", "database": "unavailable"}
    assert error["details"]["generation"] == generation_of(small_kb / ".kb" / "index")
    assert str(blocker) not in json.dumps(error)  # no database URL in the answer


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        found = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$", line)
        if not found or found.group(1) != name:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', found.group(2) or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            return float(found.group(3))
    return 0.0


def test_metrics_count_requests_searches_suggestions_and_votes(
    serve: Callable[..., LiveServer], small_kb: Path
) -> None:
    server = serve(index_dir=small_kb / ".kb" / "index", rate_limit=RateLimit(0, 60.0))
    with httpx.Client(base_url=server.url) as client:
        before = client.get("/api/metrics").text
        assert client.get("/api/search", params={"q": "quota"}).json()["results"]
        assert client.get("/api/search", params={"q": "zzyzxqwv"}).json()["results"] == []
        ticket = {"subject": "mailbox full", "body": "mail bounces, the mailbox quota is full"}
        assert client.post("/api/suggest", json=ticket).status_code == 200
        vote = client.post("/api/feedback", json={"path": "email/quota.md", "helpful": True})
        assert vote.status_code == 200, vote.text
        event = client.post("/api/events", json={"type": "suggestions_shown"})
        assert event.status_code == 204
        assert client.get("/api/articles/email/quota.md/stats").status_code == 200
        assert client.get("/api/nothing-here").status_code == 404
        response = client.get("/api/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text

    def delta(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    route = {"method": "GET", "route": "/api/search", "status": "200"}
    assert delta("kb_http_requests_total", **route) == 2
    stats = {"method": "GET", "route": "/api/articles/{path:path}/stats", "status": "200"}
    assert delta("kb_http_requests_total", **stats) == 1  # the template, not the path
    assert delta("kb_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert delta("kb_http_request_duration_seconds_count", method="GET", route="/api/search") == 2
    assert "kb_http_request_duration_seconds_bucket" in after
    assert delta("kb_searches_total", outcome="no_results") == 1
    assert delta("kb_searches_total", outcome="results") == 1
    assert sum(delta("kb_suggestions_total", confidence=c) for c in ("high", "low", "none")) == 1
    assert delta("kb_votes_total", helpful="true") == 1
    assert delta("kb_widget_events_total", type="suggestions_shown") == 1
    generation = generation_of(small_kb / ".kb" / "index")
    assert sample(after, "kb_index_info", generation=generation) == 1
    assert sample(after, "kb_index_open") == 1
    assert sample(after, "kb_index_documents") >= 4
    assert 0 <= sample(after, "kb_index_age_seconds") < 24 * 3600
    assert "email/quota.md" not in after and "zzyzxqwv" not in after  # bounded labels


def test_request_id_is_returned_and_a_bad_one_replaced(
    serve: Callable[..., LiveServer], small_kb: Path
) -> None:
    server = serve(index_dir=small_kb / ".kb" / "index")
    given = httpx.get(server.url + "/api/livez", headers={"X-Request-ID": "lb-1234.abc_x"})
    assert given.headers["x-request-id"] == "lb-1234.abc_x"
    made = httpx.get(server.url + "/api/livez").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    bad = httpx.get(server.url + "/api/livez", headers={"X-Request-ID": "a b <script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", bad.headers["x-request-id"])
    # Refusals carry one too.
    limited = [httpx.get(server.url + "/api/search", params={"q": "x"}) for _ in range(3)]
    assert limited[-1].status_code == 429 and limited[-1].headers["x-request-id"]


def test_one_log_line_per_request_without_the_query(
    serve: Callable[..., LiveServer], small_kb: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = serve(index_dir=small_kb / ".kb" / "index", rate_limit=RateLimit(0, 60.0))
    with caplog.at_level(logging.INFO, logger="kb_api.access"):
        response = httpx.get(
            server.url + "/api/search",
            params={"q": "quota hunter2", "limit": "3"},
            headers={"X-Request-ID": "req-42"},
        )
    assert response.status_code == 200
    records = [r for r in caplog.records if r.name == "kb_api.access"]
    assert len(records) == 1
    record = records[0]
    plain = LogFormatter("plain").format(record)
    assert re.search(
        r" INFO kb_api\.access GET /api/search 200 [0-9.]+ms route=/api/search id=req-42$", plain
    ), plain
    line = json.loads(LogFormatter("json").format(record))
    assert set(line) == {
        "time",
        "level",
        "logger",
        "method",
        "path",
        "route",
        "status",
        "duration_ms",
        "request_id",
    }
    assert (line["method"], line["path"], line["route"], line["status"]) == (
        "GET",
        "/api/search",
        "/api/search",
        200,
    )
    for text in (plain, json.dumps(line)):
        assert "hunter2" not in text and "quota" not in text and "127.0.0.1" not in text

"""The real `kb api` with several workers: metrics add up across them, and nothing it
prints holds query text, a secret or a client address."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from test_probes import generation_of, sample

from tests.deploy.conftest import ApiProcess, ApiStarter

SECRET = "Hunter2Zebra!"
QUERY_WORD = "quokkaquery"


def scrape(api: ApiProcess) -> str:
    response = httpx.get(api.url + "/api/metrics", timeout=10)
    assert response.status_code == 200
    return response.text


def test_metrics_add_up_across_workers(kb_api: ApiStarter, small_kb: Path, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    api = kb_api(
        small_kb / ".kb" / "index",
        f"sqlite:///{tmp_path / 'kb.sqlite3'}",
        workers=3,
        TMPDIR=str(tmp),
    )
    searches = 60
    # New connections, so that the kernel spreads them over the workers' sockets.
    for n in range(searches):
        assert httpx.get(api.url + "/api/search", params={"q": f"quota {n}"}).status_code == 200
    totals = set()
    for _ in range(6):  # whichever worker answers the scrape, it reports every worker's count
        text = scrape(api)
        totals.add(sample(text, "kb_http_requests_total", route="/api/search", status="200"))
    assert totals == {float(searches)}
    text = scrape(api)
    assert sample(text, "kb_searches_total", outcome="results") == searches
    assert sample(text, "kb_http_request_duration_seconds_count", route="/api/search") == searches
    generation = generation_of(small_kb / ".kb" / "index")
    assert sample(text, "kb_index_info", generation=generation) == 1
    # `kb api` made the workers' metrics directory, and removes it when it stops.
    (metrics_dir,) = tmp.glob("kb-metrics-*")
    assert len(list(metrics_dir.glob("*.db"))) >= 3
    output = api.stop()
    assert api.proc.returncode == 0, output
    assert list(tmp.glob("kb-metrics-*")) == []


def test_the_ticket_model_is_fitted_at_startup_not_at_the_first_ticket(
    kb_api: ApiStarter, small_kb: Path, tmp_path: Path
) -> None:
    api = kb_api(
        small_kb / ".kb" / "index", f"sqlite:///{tmp_path / 'kb.sqlite3'}", KB_LOG_FORMAT="json"
    )
    deadline = time.monotonic() + 30
    output = ""
    while "ticket model fitted" not in output and time.monotonic() < deadline:
        time.sleep(0.5)
        output = api.output()
    api.stop()
    fitted = [json.loads(line) for line in output.splitlines() if "ticket model fitted" in line]
    assert fitted, "no worker fitted the ticket model before any ticket arrived"
    assert fitted[0]["logger"] == "search.deflect.model"


def test_nothing_printed_holds_queries_secrets_or_addresses(
    kb_api: ApiStarter, small_kb: Path, tmp_path: Path
) -> None:
    api = kb_api(
        small_kb / ".kb" / "index", f"sqlite:///{tmp_path / 'kb.sqlite3'}", KB_LOG_FORMAT="json"
    )
    with httpx.Client(base_url=api.url, timeout=10) as client:
        for q in (f"password {SECRET}", f"{QUERY_WORD} mailbox", "quota"):
            assert client.get("/api/search", params={"q": q}).status_code == 200
        # A query string the API does not expect, with a secret in it.
        assert client.get(f"/api/livez?token={SECRET}&{QUERY_WORD}=1").status_code == 200
        assert client.get(f"/api/nowhere?password={SECRET}").status_code == 404
        assert client.get("/api/search", params={"q": "", "x": SECRET}).status_code == 422
        ticket = {
            "subject": f"{QUERY_WORD} mailbox full",
            "body": f"my cpanel password is {SECRET} and mail bounces, the quota is full",
        }
        assert client.post("/api/suggest", json=ticket).status_code == 200
        bad = client.post("/api/suggest", content=f'{{"subject": "{SECRET}"', headers={
            "content-type": "application/json"})  # fmt: skip
        assert bad.status_code == 400
        vote = client.post(
            "/api/feedback",
            json={"path": "email/quota.md", "helpful": False, "comment": f"pw {SECRET}"},
        )
        assert vote.status_code == 200
        request_id = client.get("/api/readyz", headers={"X-Request-ID": "trace-77"}).headers[
            "x-request-id"
        ]
        assert request_id == "trace-77"
    time.sleep(0.5)  # let the workers flush their last lines
    output = api.stop()
    assert SECRET not in output
    assert QUERY_WORD not in output
    assert "127.0.0.1" not in output
    assert "mailbox" not in output and "quota is full" not in output
    access = []
    for line in output.splitlines():
        record = json.loads(line)  # every line is one JSON object
        if record["logger"] == "kb_api.access":
            access.append(record)
    paths = [(r["method"], r["path"], r["status"]) for r in access]
    assert ("GET", "/api/search", 200) in paths
    assert ("GET", "/api/livez", 200) in paths
    assert ("GET", "/api/nowhere", 404) in paths
    assert ("POST", "/api/suggest", 200) in paths
    assert ("POST", "/api/feedback", 200) in paths
    assert len(access) == 11  # one line per request (and the fixture's first /api/livez)
    readyz = next(r for r in access if r["path"] == "/api/readyz")
    assert readyz["request_id"] == "trace-77" and readyz["route"] == "/api/readyz"
    assert all(isinstance(r["duration_ms"], float | int) for r in access)

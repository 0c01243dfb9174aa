"""The feedback endpoints over real HTTP: votes, views, events, stats, and every refusal
in the API's one error shape."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kb_api.settings import RateLimit


def assert_error(
    response: httpx.Response, status: int, code: str, message: str | None = None
) -> dict[str, Any]:
    """The API's one error shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    assert list(body["error"]) == ["status", "code", "message", "details"]
    assert (body["error"]["status"], body["error"]["code"]) == (status, code)
    if message is not None:
        assert body["error"]["message"] == message
    return dict(body["error"])


@pytest.fixture
def client(live_api: Callable[..., Any], tmp_path: Path) -> Iterator[httpx.Client]:
    api = live_api(database_url=f"sqlite:///{tmp_path / 'api.sqlite3'}")
    with httpx.Client(base_url=api.url, timeout=10) as c:
        yield c


def other_visitor(address: str) -> dict[str, str]:
    """Headers of a request from another address (the live server trusts X-Forwarded-For
    from 127.0.0.1, as behind a proxy)."""
    return {"x-forwarded-for": address}


def stats(client: httpx.Client, path: str) -> dict[str, Any]:
    response = client.get(f"/api/articles/{path}/stats")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return dict(response.json())


def test_views_count_once_per_visitor_and_return_the_counts(client: httpx.Client) -> None:
    path = "email/quota.md"
    first = client.post("/api/views", json={"path": path})
    assert first.status_code == 200
    assert first.json() == {"path": path, "views": 1, "helpful": 0, "not_helpful": 0}
    assert client.post("/api/views", json={"path": path}).json()["views"] == 1
    other = client.post("/api/views", json={"path": path}, headers=other_visitor("192.0.2.9"))
    assert other.json()["views"] == 2
    assert stats(client, path) == {"path": path, "views": 2, "helpful": 0, "not_helpful": 0}


def test_a_later_vote_from_the_same_visitor_replaces_the_earlier_one(client: httpx.Client) -> None:
    path = "email/webmail.md"
    assert client.post("/api/feedback", json={"path": path, "helpful": True}).json() == {
        "path": path, "views": 0, "helpful": 1, "not_helpful": 0,
    }  # fmt: skip
    again = client.post(
        "/api/feedback", json={"path": path, "helpful": False, "comment": "Nothing on Roundcube."}
    )
    assert again.json() == {"path": path, "views": 0, "helpful": 0, "not_helpful": 1}
    client.post(
        "/api/feedback", json={"path": path, "helpful": True}, headers=other_visitor("192.0.2.9")
    )
    assert stats(client, path) == {"path": path, "views": 0, "helpful": 1, "not_helpful": 1}


USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/126.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Safari/605.1.15",
    "curl/8.5.0",
    "vote-bot 1",
    "vote-bot 2",
    "",
]


def test_one_address_is_one_visitor_whatever_its_user_agent(client: httpx.Client) -> None:
    path = "email/quota.md"
    for n, agent in enumerate(USER_AGENTS):
        client.post("/api/views", json={"path": path}, headers={"user-agent": agent})
        vote = {"path": path, "helpful": n % 2 == 0}
        client.post("/api/feedback", json=vote, headers={"user-agent": agent})
    # One view and one vote, the last one (helpful: False).
    assert stats(client, path) == {"path": path, "views": 1, "helpful": 0, "not_helpful": 1}


def test_an_ipv6_visitor_is_its_64(client: httpx.Client) -> None:
    path = "hosting/error-500.md"
    for address in ("2001:db8:5:6::1", "2001:db8:5:6:8a2e:370:7334:1", "2001:db8:5:6::ff"):
        client.post("/api/views", json={"path": path}, headers=other_visitor(address))
        vote = {"path": path, "helpful": True}
        client.post("/api/feedback", json=vote, headers=other_visitor(address))
    assert stats(client, path) == {"path": path, "views": 1, "helpful": 1, "not_helpful": 0}
    client.post("/api/views", json={"path": path}, headers=other_visitor("2001:db8:5:7::1"))
    assert stats(client, path)["views"] == 2


def test_events_are_recorded(client: httpx.Client) -> None:
    for kind in ("suggestions_shown", "suggestion_opened", "deflected", "ticket_filed"):
        response = client.post("/api/events", json={"type": kind, "path": "email/quota.md"})
        assert (response.status_code, response.content) == (204, b"")
    response = client.post("/api/events", json={"type": "search_no_results", "query": "mx"})
    assert response.status_code == 204


def test_unknown_articles_get_404(client: httpx.Client) -> None:
    message = "no such article: 'email/nothing-here.md'"
    for response in (
        client.get("/api/articles/email/nothing-here.md/stats"),
        client.post("/api/views", json={"path": "email/nothing-here.md"}),
        client.post("/api/feedback", json={"path": "email/nothing-here.md", "helpful": True}),
        client.post("/api/events", json={"type": "deflected", "path": "email/nothing-here.md"}),
    ):
        assert_error(response, 404, "unknown_article", message)


@pytest.mark.parametrize(
    "path",
    [
        "../../etc/passwd",
        "../../etc/passwd.md",
        "/etc/passwd.md",
        "email/../../x.md",
        ".hidden.md",
        "email/quota",
    ],
)
def test_path_traversal_is_refused_without_touching_files(client: httpx.Client, path: str) -> None:
    error = assert_error(client.post("/api/views", json={"path": path}), 422, "validation_error")
    assert error["details"][0]["loc"] == ["body", "path"]
    encoded = path.replace(".", "%2E").replace("/", "%2F")
    response = client.get(f"/api/articles/{encoded}/stats")
    assert response.status_code in (404, 422)
    assert_error(
        response,
        response.status_code,
        "validation_error" if response.status_code == 422 else response.json()["error"]["code"],
    )


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"path": "email/quota.md"}, ["body", "helpful"]),
        ({"path": "email/quota.md", "helpful": "yes"}, ["body", "helpful"]),
        ({"path": "email/quota.md", "helpful": False, "comment": "x" * 501}, ["body", "comment"]),
        (
            {"path": "email/quota.md", "helpful": True, "ticket": "my password is x"},
            ["body", "ticket"],
        ),
    ],
)
def test_invalid_votes_get_422(client: httpx.Client, body: dict[str, Any], loc: list[str]) -> None:
    error = assert_error(client.post("/api/feedback", json=body), 422, "validation_error")
    assert [d["loc"] for d in error["details"]] == [loc]
    assert "my password" not in str(error)


def test_invalid_events_get_422(client: httpx.Client) -> None:
    error = assert_error(
        client.post("/api/events", json={"type": "clicked"}), 422, "validation_error"
    )
    assert error["details"][0]["loc"] == ["body", "type"]
    error = assert_error(
        client.post("/api/events", json={"type": "search_no_click", "query": "q" * 501}),
        422,
        "validation_error",
    )
    assert error["details"][0]["loc"] == ["body", "query"]


def test_bad_json_and_large_bodies(client: httpx.Client) -> None:
    assert_error(
        client.post(
            "/api/feedback", content=b"{not json", headers={"content-type": "application/json"}
        ),
        400,
        "invalid_json",
    )
    big = {"path": "email/quota.md", "helpful": False, "comment": "x" * 70_000}
    assert_error(client.post("/api/feedback", json=big), 413, "body_too_large")


def test_the_rate_limit_applies(live_api: Callable[..., Any], tmp_path: Path) -> None:
    api = live_api(
        database_url=f"sqlite:///{tmp_path / 'rl.sqlite3'}", rate_limit=RateLimit(3, 60.0)
    )
    with httpx.Client(base_url=api.url, timeout=10) as c:
        answers = [c.post("/api/views", json={"path": "email/quota.md"}) for _ in range(4)]
    assert [r.status_code for r in answers[:3]] == [200, 200, 200]
    assert_error(answers[3], 429, "rate_limited")


def test_an_unreachable_database_gives_503(live_api: Callable[..., Any], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    api = live_api(database_url=f"sqlite:///{blocker / 'kb.sqlite3'}")
    with httpx.Client(base_url=api.url, timeout=10) as c:
        assert_error(
            c.post("/api/views", json={"path": "email/quota.md"}),
            503,
            "storage_unavailable",
            "feedback storage is not available; the problem was logged",
        )
        assert c.get("/api/health").status_code == 200  # search still answers


def test_the_endpoints_are_documented(client: httpx.Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/feedback", "/api/views", "/api/events", "/api/articles/{path}/stats"} <= set(
        paths
    )

"""The API over real HTTP: answers, limits, errors, CORS and the rate limit."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_server import WIDGET_ORIGIN, LiveServer, parse_response, raw_request

from kb_api import Settings
from kb_api.settings import RateLimit
from search import open_index
from search.deflect import suggest

TICKET = {
    "subject": "drawings email comes back every time",
    "body": "SMTP error from remote mail server after end of data: 552 5.3.4 Message size exceeds fixed limit",  # noqa: E501
}


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Every error answer has exactly the one error shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    assert list(body["error"]) == ["status", "code", "message", "details"]
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return dict(body["error"])


def test_health(client: httpx.Client) -> None:
    response = client.get("/api/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "index": "ready"})


def test_search(client: httpx.Client) -> None:
    data = client.get("/api/search", params={"q": "552 message size exceeds", "limit": 3}).json()
    assert list(data) == ["query", "did_you_mean", "results", "facets"]
    assert data["results"][0]["path"] == "email/bounces-ndr.md"
    assert len(data["results"]) <= 3


def test_suggest(client: httpx.Client, repo_index: Path) -> None:
    response = client.post("/api/suggest", json=TICKET)
    assert response.status_code == 200
    data = response.json()
    assert data["articles"][0]["path"] == "email/bounces-ndr.md"
    # The API answers what the library decides (the learned model sets the level).
    expected = suggest(TICKET["subject"], TICKET["body"], kb=open_index(repo_index))
    assert data["priority"] == expected.priority
    assert data["priority_reason"] == expected.priority_reason
    assert data["channel"]["recommended"] in ("chat", "ticket")


def test_secrets_answers_the_warnings_suggest_gives_and_nothing_else(
    client: httpx.Client,
) -> None:
    # The widget sends what a long ticket holds beyond what /api/suggest takes.
    text = "log line\n" * 20 + "I changed my password yesterday. It is now Bluefin2024 ok"
    response = client.post("/api/secrets", json={"text": text})
    assert response.status_code == 200
    same = client.post("/api/suggest", json={"subject": "mail", "body": text}).json()
    assert response.json() == {"secrets": same["secrets"]}
    assert [s["type"] for s in response.json()["secrets"]] == ["password"]
    assert "Bluefin2024" not in response.text
    clean = client.post("/api/secrets", json={"text": "Access denied (using password: YES)"})
    assert clean.json() == {"secrets": []}
    too_long = client.post("/api/secrets", json={"text": "a" * 70_000})
    assert too_long.status_code == 413


def test_absolute_urls_when_site_url_is_set(
    serve: Callable[[Settings], LiveServer], repo_index: Path
) -> None:
    server = serve(Settings(index_dir=repo_index, site_url="https://help.example.com/"))
    data = httpx.post(f"{server.url}/api/suggest", json=TICKET).json()
    assert data["articles"][0]["url"].startswith("https://help.example.com/email/")


def _json(c: httpx.Client, path: str, body: bytes) -> httpx.Response:
    return c.post(path, content=body, headers={"content-type": "application/json"})


def _raw(*parts: bytes, pause: float = 0.0) -> Callable[[httpx.Client], httpx.Response]:
    """A request sent as bytes on a new connection (what httpx will not send)."""

    def call(c: httpx.Client) -> httpx.Response:
        port = c.base_url.port
        assert port is not None
        return parse_response(raw_request(port, *parts, pause=pause)[0])

    return call


def _preflight(
    origin: str, headers: str = "content-type"
) -> Callable[[httpx.Client], httpx.Response]:
    return lambda c: c.options(
        "/api/suggest",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": headers,
        },
    )


POST_ENDPOINTS = ["/api/suggest", "/api/secrets", "/api/feedback", "/api/views", "/api/events"]
HEAD = b"POST /api/suggest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"

# One test, every error path, one shape.
ERROR_CASES: list[tuple[str, Callable[[httpx.Client], httpx.Response], int, str]] = [
    (
        "body over 64 KiB",
        lambda c: c.post("/api/suggest", json={"subject": "x", "body": "a" * 70_000}),
        413,
        "body_too_large",
    ),
    (
        "chunked body over 64 KiB",
        lambda c: c.post(
            "/api/suggest", content=iter([b'{"subject": "x", "body": "', b"a" * 70_000, b'"}'])
        ),
        413,
        "body_too_large",
    ),
    (
        "invalid JSON",
        lambda c: c.post(
            "/api/suggest", content=b'{"subject": ', headers={"content-type": "application/json"}
        ),
        400,
        "invalid_json",
    ),
    (
        "missing field",
        lambda c: c.post("/api/suggest", json={"subject": "x"}),
        422,
        "validation_error",
    ),
    (
        "wrong type",
        lambda c: c.post("/api/suggest", json={"subject": 1, "body": ["x"]}),
        422,
        "validation_error",
    ),
    ("not an object", lambda c: c.post("/api/suggest", json=["x"]), 422, "validation_error"),
    ("missing q", lambda c: c.get("/api/search"), 422, "validation_error"),
    (
        "bad limit",
        lambda c: c.get("/api/search", params={"q": "x", "limit": 0}),
        422,
        "validation_error",
    ),
    (
        "bad section",
        lambda c: c.get("/api/search", params={"q": "x", "section": "../etc"}),
        422,
        "validation_error",
    ),
    ("unknown path", lambda c: c.get("/api/nope"), 404, "not_found"),
    ("wrong method", lambda c: c.get("/api/suggest"), 405, "method_not_allowed"),
    ("PUT", lambda c: c.put("/api/search", json={}), 405, "method_not_allowed"),
    ("nested 5,000 deep", lambda c: _json(c, "/api/suggest", b"[" * 5000 + b"]" * 5000), 400,
     "invalid_json"),
    ("invalid UTF-8", lambda c: _json(c, "/api/suggest", b'{"subject": "\xff", "body": "x"}'),
     400, "invalid_json"),
    ("a 5,000-digit number",
     lambda c: _json(c, "/api/feedback", b'{"path": "email/quota.md", "helpful": 9' + b"9" * 5000
                     + b"}"), 400, "invalid_json"),
    ("truncated JSON", lambda c: _json(c, "/api/views", b'{"path": "email/quo'), 400,
     "invalid_json"),
    *[(f"text/plain body to {path}",
       lambda c, path=path: c.post(path, content=b"{}", headers={"content-type": "text/plain"}),
       415, "unsupported_media_type") for path in POST_ENDPOINTS],
    ("form body", lambda c: c.post("/api/suggest", data={"subject": "x", "body": "y"}), 415,
     "unsupported_media_type"),
    ("body without a content type",
     lambda c: c.post("/api/suggest", content=b'{"subject": "x", "body": "y"}'), 415,
     "unsupported_media_type"),
    ("limit=nonsense", lambda c: c.get("/api/search?q=x&limit=nonsense"), 422,
     "validation_error"),
    ("limit=1e9", lambda c: c.get("/api/search?q=x&limit=1e9"), 422, "validation_error"),
    ("stats of a non-article path", lambda c: c.get("/api/articles/x/stats"), 422,
     "validation_error"),
    ("trailing slash", lambda c: c.get("/api/health/"), 404, "not_found"),
    ("CORS preflight from another origin", _preflight("https://evil.example"), 400,
     "cors_refused"),
    ("CORS preflight asking for a header", _preflight(WIDGET_ORIGIN, "x-evil"), 400,
     "cors_refused"),
    ("not HTTP", _raw(b"GARBAGE\r\n\r\n"), 400, "invalid_http"),
    ("header line without a colon",
     _raw(b"GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"), 400,
     "invalid_http"),
    ("Content-Length not a number",
     _raw(b"POST /api/suggest HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400,
     "invalid_http"),
    ("a NUL in the path", _raw(b"GET /api/\x00 HTTP/1.1\r\nHost: x\r\n\r\n"), 400,
     "invalid_http"),
    ("headers of 70 kB",
     _raw(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"),
     431, "headers_too_large"),
    ("headers that stop coming", _raw(b"GET /api/health HTTP/1.1\r\nHost: x\r\n"), 408,
     "request_timeout"),
    ("a body that stops coming", _raw(HEAD + b"Content-Length: 100\r\n\r\n{\"subject\""), 408,
     "request_timeout"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "call", "status", "code"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES]
)
def test_every_error_path_has_the_one_error_shape(
    client: httpx.Client,
    name: str,
    call: Callable[[httpx.Client], httpx.Response],
    status: int,
    code: str,
) -> None:
    assert_error(call(client), status, code)


def test_validation_details_do_not_echo_the_input(client: httpx.Client) -> None:
    error = assert_error(
        client.post("/api/suggest", json={"subject": "password: Hunter2!x", "body": 5}),
        422,
        "validation_error",
    )
    assert "Hunter2" not in json.dumps(error)
    assert error["details"] == [
        {
            "loc": ["body", "body"],
            "message": "Input should be a valid string",
            "type": "string_type",
        }
    ]


def test_rate_limit_answers_429_with_retry_after(
    serve: Callable[[Settings], LiveServer], repo_index: Path
) -> None:
    server = serve(Settings(index_dir=repo_index, rate_limit=RateLimit(3, 60.0)))
    with httpx.Client(base_url=server.url) as c:
        statuses = [c.get("/api/search", params={"q": "dns"}).status_code for _ in range(3)]
        limited = c.get("/api/search", params={"q": "dns"})
        health = c.get("/api/health")
    assert statuses == [200, 200, 200]
    error = assert_error(limited, 429, "rate_limited")
    assert error["message"] == "too many requests: the limit is 3/minute per client; retry in 20 s"
    assert limited.headers["retry-after"] == "20"
    assert health.status_code == 200  # load balancers' health checks are never limited


def test_server_error_and_missing_index_use_the_error_shape(
    serve: Callable[[Settings], LiveServer], tmp_path: Path
) -> None:
    server = serve(Settings(index_dir=tmp_path / "no-index"))
    with httpx.Client(base_url=server.url) as c:
        assert_error(c.get("/api/health"), 503, "index_unavailable")
        assert_error(c.get("/api/search", params={"q": "dns"}), 503, "index_unavailable")
        assert_error(c.post("/api/suggest", json=TICKET), 503, "index_unavailable")


def test_unexpected_exception_is_500_in_the_error_shape(
    repo_index: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from kb_api import create_app

    app = create_app(Settings(index_dir=repo_index))

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with LiveServer(app) as server, caplog.at_level(logging.ERROR, logger="kb_api.errors"):
        error = assert_error(httpx.get(f"{server.url}/api/boom"), 500, "internal_error")
    assert error["message"] == "internal error; the problem was logged"
    assert [r.getMessage() for r in caplog.records] == ["unexpected error on GET /api/boom"]


def test_cors_allows_only_the_configured_origin(client: httpx.Client) -> None:
    allowed = client.post("/api/suggest", json=TICKET, headers={"origin": WIDGET_ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == WIDGET_ORIGIN
    other = client.post("/api/suggest", json=TICKET, headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options(
        "/api/suggest",
        headers={
            "origin": WIDGET_ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == WIDGET_ORIGIN
    denied = client.options(
        "/api/suggest",
        headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
    )
    assert denied.status_code == 400
    assert "access-control-allow-origin" not in denied.headers


def test_limit_errors_are_readable_cross_origin(client: httpx.Client) -> None:
    response = client.post(
        "/api/suggest",
        json={"subject": "x", "body": "a" * 70_000},
        headers={"origin": WIDGET_ORIGIN},
    )
    assert response.status_code == 413
    assert response.headers["access-control-allow-origin"] == WIDGET_ORIGIN


@pytest.mark.parametrize(
    "q",
    [
        "*a*",
        "body:[a TO z]",
        "(" * 2000,
        "why is my email not working?",
        "https://x.example/?s=*",
        "\x00\x01",
        "ü" * 500,
        "NOT x",
    ],
)
def test_hostile_queries_never_500(client: httpx.Client, q: str) -> None:
    assert client.get("/api/search", params={"q": q}).status_code in (200, 422)
    assert client.post("/api/suggest", json={"subject": q[:500], "body": q}).status_code == 200


def test_ticket_text_is_never_logged(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "Zebracorn-4417 needs a unique phrase"
    with caplog.at_level(logging.DEBUG):
        client.post(
            "/api/suggest",
            json={"subject": marker, "body": f"{marker} 552 message size exceeds fixed limit"},
        )
        client.post("/api/suggest", json={"subject": marker, "body": 12})
    assert not [r for r in caplog.records if "Zebracorn" in r.getMessage()]


def test_openapi_page_makes_no_third_party_requests(client: httpx.Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert {"/api/search", "/api/suggest", "/api/health"} <= set(schema["paths"])
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/api/suggest" in page.text
    assert "<script" not in page.text and "https://" not in page.text


def test_invalid_json_says_where_and_why(client: httpx.Client) -> None:
    truncated = assert_error(_json(client, "/api/views", b'{"path": '), 400, "invalid_json")
    assert truncated["message"] == (
        "the request body is not valid JSON: Expecting value at line 1, column 10"
    )
    assert truncated["details"] == [
        {"loc": ["body", 9], "message": "Expecting value at line 1, column 10",
         "type": "json_invalid"}
    ]  # fmt: skip
    utf8 = assert_error(_json(client, "/api/suggest", b'{"subject": "\xff"}'), 400, "invalid_json")
    assert utf8["details"] == [
        {"loc": ["body", 13], "message": "invalid UTF-8 at byte 13", "type": "json_invalid"}
    ]
    media = assert_error(
        client.post("/api/suggest", content=b"{}", headers={"content-type": "text/plain"}),
        415,
        "unsupported_media_type",
    )
    assert media["message"] == (
        "the request body must be JSON (Content-Type: application/json), got 'text/plain'"
    )


GET_ENDPOINTS = [
    "/api/health",
    "/api/livez",
    "/api/search?q=dns",
    "/api/search?q=x&limit=nonsense",
    "/api/openapi.json",
    "/api/docs",
    "/api/nowhere",
]


@pytest.mark.parametrize("path", GET_ENDPOINTS)
def test_head_answers_like_get_without_a_body(client: httpx.Client, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""
    for name in ("content-type", "content-length", "cache-control", "allow"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_head_leaves_the_connection_usable(api: LiveServer) -> None:
    # Two requests on one connection: no stray body bytes after the HEAD answer.
    received, _ = raw_request(
        api.port,
        b"HEAD /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    head_answer, _, rest = received.partition(b"\r\n\r\n")
    assert head_answer.startswith(b"HTTP/1.1 200 ")
    get = parse_response(rest)
    assert (get.status_code, get.json()) == (200, {"status": "ok", "index": "ready"})
    assert b"content-length: %d\r\n" % len(get.content) in head_answer.lower()


HOSTILE_HOST = b"evil.example"


@pytest.mark.parametrize(
    "path",
    [b"/api/health/", b"/api/search/?q=dns", b"/api/docs/", b"/api/", b"/api", b"//api/health"],
)
def test_no_answer_repeats_a_hostile_host_header(api: LiveServer, path: bytes) -> None:
    for method in (b"GET", b"HEAD"):
        received, _ = raw_request(
            api.port,
            method + b" " + path + b" HTTP/1.1\r\nHost: " + HOSTILE_HOST + b"\r\n"
            b"Connection: close\r\n\r\n",
        )
        answer = parse_response(received)
        assert "location" not in answer.headers
        assert HOSTILE_HOST not in received.lower()
        assert answer.status_code == 404


def test_every_ticket_the_schema_accepts_fits_the_body_limit(client: httpx.Client) -> None:
    # The longest subject and message the schema allows, as UTF-8 (two bytes a letter)
    # and as ASCII-only JSON (six bytes a letter, "\u0436"): never refused for size.
    ticket = {"subject": "ж" * 500, "body": "ж" * 10_000}
    for body in (json.dumps(ticket, ensure_ascii=False).encode(), json.dumps(ticket).encode()):
        response = client.post(
            "/api/suggest", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 200, (len(body), response.text[:200])

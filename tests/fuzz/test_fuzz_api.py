"""Hostile requests to every endpoint of the real app over the real index: never a 500,
never an exception escaping the app (``ASGITransport`` re-raises them), never markup in
an answer but snippets' ``<mark>``, always the one error shape, always quick.

``tests/kb_api`` and ``tests/kb_feedback`` check chosen bad inputs with exact messages; these
draw arbitrary Unicode, huge values, malformed JSON, wrong types, traversal in article
paths, markup and odd headers.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import AsgiClient
from tests.fuzz.invariants import (
    HOSTILE,
    assert_safe_json,
    hostile_text,
    huge_text,
    no_logged_errors,
    timed,
)

REAL_PATHS = ["email/quota.md", "hosting/error-500.md", "whm/create-account.md"]
TRAVERSAL = [
    "../../etc/passwd",
    "../../etc/passwd.md",
    "..%2f..%2fetc%2fpasswd.md",
    "%2e%2e/%2e%2e/etc/passwd.md",
    "%252e%252e%252fetc%252fpasswd.md",
    "..%5c..%5cetc%5cpasswd.md",
    "....//....//etc/passwd.md",
    "/etc/passwd.md",
    "email/../../../etc/passwd.md",
    "email/quota.md/../../../etc/passwd.md",
    "email/quota.md\x00.md",
    "email%00/quota.md",
    ".kb/index/_MAIN_1.toc.md",
    "~root/.ssh/id_rsa.md",
    "EMAIL/QUOTA.MD",
]
PATHS = st.one_of(
    st.sampled_from([*REAL_PATHS, *TRAVERSAL, "email/./quota.md"]),
    hostile_text(surrogates=False, max_size=80),
)
TEXT = st.one_of(hostile_text(surrogates=False), huge_text(600))
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
EVENT_TYPES = st.sampled_from(
    ["suggestions_shown", "deflected", "search_no_results", "ticket_filed", "nope", ""]
)
LIMITS = ["1e9", "٣", "NaN", " 5", "5.0", "", "0x10", "+3"]
SECTIONS = ["email", "../etc", "<b>", "", "EMAIL", "email\x00"]
USER_AGENTS = st.one_of(st.none(), st.text(st.characters(max_codepoint=255), max_size=300))
DOCUMENT_FILE = "root:x:0:0"
"""A line of /etc/passwd: no answer may ever contain it."""


def check(response: httpx.Response, allowed: set[int]) -> Any:
    """The answer is one of ``allowed``, safe, in the error shape if an error."""
    assert response.status_code in allowed, (response.status_code, response.text[:500])
    assert DOCUMENT_FILE not in response.text
    if response.status_code == 204:
        assert response.content == b""
        return None
    data = response.json()
    if response.status_code >= 400:
        assert set(data) == {"error"}, data
        error = data["error"]
        assert set(error) == {"status", "code", "message", "details"}
        assert error["status"] == response.status_code
        assert isinstance(error["code"], str) and isinstance(error["message"], str)
    assert_safe_json(data)
    return data


def request(api: AsgiClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    with no_logged_errors(), timed(f"{method} {url[:80]}"):
        return api.request(method, url, **kwargs)


def _headers(agent: str | None) -> dict[str, bytes]:
    # Header values are bytes on the wire: any Latin-1 text can arrive.
    return {} if agent is None else {"user-agent": agent.encode("latin-1")}


def _url_segment(path: str, quote: bool) -> str:
    """``path`` percent-encoded, or as typed when httpx can send it so (it refuses
    control characters and spaces in a URL, and resolves ``..`` segments itself)."""
    as_typed = path.isascii() and path.isprintable() and not set(path) & set(" #?")
    return path if as_typed and not quote else urllib.parse.quote(path, safe="/")


@settings(max_examples=120, deadline=None)
@given(
    q=st.one_of(st.none(), TEXT, huge_text(2_000)),
    limit=st.one_of(st.none(), st.integers(-(10**12), 10**12), st.sampled_from(LIMITS)),
    section=st.one_of(st.none(), st.sampled_from(SECTIONS), st.text(max_size=50)),
)
def test_search_any_parameters(
    api: AsgiClient, q: str | None, limit: int | str | None, section: str | None
) -> None:
    params = {
        k: str(v) for k, v in {"q": q, "limit": limit, "section": section}.items() if v is not None
    }
    data = check(request(api, "GET", "/api/search", params=params), {200, 422})
    if data is not None and "results" in data:
        assert len(data["results"]) <= 50


@settings(max_examples=80, deadline=None)
@given(
    body=st.one_of(
        JSON_VALUES,
        st.fixed_dictionaries({"subject": JSON_SCALARS, "body": JSON_SCALARS}),
        st.fixed_dictionaries(
            {"subject": TEXT, "body": st.one_of(TEXT, huge_text(12_000))},
            optional={"extra": JSON_VALUES},
        ),
    )
)
def test_suggest_any_json(api: AsgiClient, body: Any) -> None:
    check(request(api, "POST", "/api/suggest", json=body), {200, 413, 422})


@settings(max_examples=120, deadline=None)
@given(
    endpoint=st.sampled_from(["/api/feedback", "/api/views", "/api/events"]),
    body=st.one_of(
        JSON_VALUES,
        st.fixed_dictionaries(
            {},
            optional={
                "path": st.one_of(PATHS, JSON_SCALARS),
                "helpful": st.one_of(st.booleans(), JSON_SCALARS),
                "comment": st.one_of(TEXT, huge_text(3_000), JSON_SCALARS),
                "type": st.one_of(EVENT_TYPES, JSON_SCALARS),
                "query": st.one_of(TEXT, JSON_SCALARS),
            },
        ),
    ),
    agent=USER_AGENTS,
)
def test_feedback_endpoints_any_json(
    api: AsgiClient, endpoint: str, body: Any, agent: str | None
) -> None:
    response = request(api, "POST", endpoint, json=body, headers=_headers(agent))
    check(response, {200, 204, 404, 413, 422})
    if response.is_success:
        path = body.get("path") if isinstance(body, dict) else None
        assert path is None or path in REAL_PATHS, f"{endpoint} accepted path {path!r}"


@settings(max_examples=60, deadline=None)
@given(
    endpoint=st.sampled_from(
        ["/api/suggest", "/api/secrets", "/api/feedback", "/api/views", "/api/events"]
    ),
    content=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.sampled_from(
            [b"", b"{", b'{"path": ', b"null", b"[]", b'{"a": 1}' * 3, b"\xff\xfe{}", b"1e999999"]
        ),
        st.integers(10_241, 40_000).map(lambda n: b'{"subject": "' + b"x" * n + b'"}'),
    ),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", ""]
    ),
)
def test_malformed_bodies(
    api: AsgiClient, endpoint: str, content: bytes, content_type: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = request(api, "POST", endpoint, content=content, headers=headers)
    check(response, {200, 204, 400, 404, 413, 415, 422})


@settings(max_examples=100, deadline=None)
@given(path=PATHS, quote=st.booleans())
def test_article_stats_any_path(api: AsgiClient, path: str, quote: bool) -> None:
    response = request(api, "GET", f"/api/articles/{_url_segment(path, quote)}/stats")
    data = check(response, {200, 404, 422})
    if response.status_code == 200:
        assert data["path"] in REAL_PATHS, data


def test_traversal_never_reaches_a_file(api: AsgiClient) -> None:
    for path in TRAVERSAL:
        for segment in (
            _url_segment(path, False),
            urllib.parse.quote(path, safe=""),
            urllib.parse.quote(path),
        ):
            check(request(api, "GET", f"/api/articles/{segment}/stats"), {404, 422})
        for endpoint in ("/api/views", "/api/feedback", "/api/events"):
            body = {"path": path, "helpful": True, "type": "deflected"}
            if endpoint != "/api/events":
                body.pop("type")
            if endpoint != "/api/feedback":
                body.pop("helpful")
            check(request(api, "POST", endpoint, json=body), {404, 422})


@settings(max_examples=80, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
    path=st.one_of(
        st.sampled_from(
            ["/api/health", "/api/search", "/api/suggest", "/api/docs", "/api/openapi.json"]
        ),
        hostile_text(surrogates=False, max_size=60).map(lambda s: "/api/" + s),
    ),
    agent=USER_AGENTS,
)
def test_any_method_and_path(api: AsgiClient, method: str, path: str, agent: str | None) -> None:
    url = urllib.parse.quote(path, safe="/%?=&")
    response = request(api, method, url, headers=_headers(agent))
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert DOCUMENT_FILE not in response.text
    if response.headers.get("content-type", "").startswith("application/json") and method != "HEAD":
        data = response.json()
        if response.status_code >= 400:
            assert data["error"]["status"] == response.status_code
        assert_safe_json(data)


def test_unknown_endpoint_message_does_not_repeat_markup(api: AsgiClient) -> None:
    response = request(api, "GET", "/api/%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 404
    assert_safe_json(response.json())


def test_health_answers_and_hostile_fragments_in_every_field(api: AsgiClient) -> None:
    assert check(request(api, "GET", "/api/health"), {200}) == {"status": "ok", "index": "ready"}
    for text in HOSTILE:
        printable = (text if text.isprintable() else repr(text)).encode()
        check(request(api, "GET", "/api/search", params={"q": text}), {200, 422})
        ticket = {"subject": text, "body": text * 20}
        check(request(api, "POST", "/api/suggest", json=ticket), {200})
        vote = {"path": REAL_PATHS[0], "helpful": False, "comment": text}
        check(
            request(api, "POST", "/api/feedback", json=vote, headers={"user-agent": printable}),
            {200},
        )
        event = {"type": "search_no_results", "query": text}
        check(request(api, "POST", "/api/events", json=event), {204})
        truncated = json.dumps(event)[:-1]
        json_type = {"content-type": "application/json"}
        check(request(api, "POST", "/api/events", content=truncated, headers=json_type), {400})

"""The deployment kit for real: Debian's nginx with deploy/'s configuration, rendered for
a temporary folder, in front of the real `kb api` (two workers) and a real PostgreSQL,
checked over HTTP and driven by Chromium through nginx."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import article
from tests.deploy.conftest import (
    ApiProcess,
    ApiStarter,
    Nginx,
    render_nginx,
    start_nginx,
    stop_nginx,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from test_e2e_search_box import search as type_search
from test_e2e_widget import DEMO, type_ticket
from test_probes import generation_of

SECRET = "Tidewater88Secret"
BURST = 5


@pytest.fixture(scope="module")
def stack(
    small_kb: Path, postgres: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Nginx, ApiProcess]]:
    """nginx -> kb api -> PostgreSQL, over the small site."""
    tmp = tmp_path_factory.mktemp("nginx-stack")
    starter = ApiStarter(tmp)
    try:
        api = starter(small_kb / ".kb" / "index", postgres.new_database())
        nginx = start_nginx(
            small_kb, tmp / "nginx", api.port, api_rate="2r/s", api_burst=str(BURST)
        )
        try:
            yield nginx, api
        finally:
            stop_nginx(nginx)
    finally:
        starter.stop_all()


def test_rendering_fills_every_placeholder_and_hashes_the_inline_scripts(
    small_kb: Path, tmp_path: Path
) -> None:
    done = render_nginx(small_kb, tmp_path / "conf", listen="8080", api="10.0.0.5:8001")
    assert done.returncode == 0, done.stderr
    conf = (tmp_path / "conf" / "kb.conf").read_text()
    headers = (tmp_path / "conf" / "kb-headers.conf").read_text()
    assert "@KB_" not in conf + headers
    assert f"root {small_kb.resolve()}/site;" in conf
    assert "server 10.0.0.5:8001;" in conf and "listen 8080;" in conf
    # Material's inline scripts differ per folder depth: one hash each, and nothing inline
    # is allowed otherwise.
    hashes = re.findall(r"'sha256-[A-Za-z0-9+/=]+'", headers)
    assert len(hashes) >= 3
    assert "unsafe-inline" not in headers and "unsafe-eval" not in headers
    # The access log format has neither the query string nor the client address.
    log_format = conf[conf.index("log_format") : conf.index(";", conf.index("log_format"))]
    for forbidden in ("$request ", "$request_uri", "$args", "$query_string", "$remote_addr",
                      "$http_referer", "$http_user_agent", "$binary_remote_addr"):  # fmt: skip
        assert forbidden not in log_format + " "
    assert "$uri" in log_format


def test_images_from_allowed_hosts_are_allowed_by_the_policy(
    make_site: Any, tmp_path: Path
) -> None:
    # (An image from any other host is a check error: the build refuses it.)
    site = make_site(
        {"email/mx.md": article("MX records", "![Diagram](https://Images.Example.net/mx.png)")},
        plugin={"allowed_hosts": ["images.example.net"]},
    )
    site.build()
    done = render_nginx(site.root, tmp_path / "conf")
    assert done.returncode == 0, done.stderr
    headers = (tmp_path / "conf" / "kb-headers.conf").read_text()
    img_src = re.search(r"img-src ([^;]*);", headers)
    assert img_src is not None
    assert img_src.group(1).split() == ["'self'", "data:", "https://images.example.net"]


def test_scripts_of_files_copied_into_the_site_are_never_allowed(
    make_site: Any, tmp_path: Path
) -> None:
    # The build refuses raw pages in docs/; a page that reaches site/ by any other way
    # (copied by hand, left by another tool) must not have its inline script allowed.
    site = make_site({"email/mx.md": article("MX records")})
    out = site.build()
    script = "alert(document.cookie)"
    (out / "email" / "copied.html").write_text(f"<html><script>{script}</script></html>")
    done = render_nginx(site.root, tmp_path / "conf")
    assert done.returncode == 0, done.stderr
    headers = (tmp_path / "conf" / "kb-headers.conf").read_text()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert "'sha256-" in headers and f"'sha256-{digest}'" not in headers
    # Without the build's list of rendered pages nothing is guessed.
    (out / "kb-csp.json").unlink()
    refused = render_nginx(site.root, tmp_path / "conf2")
    assert refused.returncode == 1 and "kb build" in refused.stderr


def test_a_missing_site_is_refused(tmp_path: Path) -> None:
    done = render_nginx(tmp_path, tmp_path / "conf")
    assert done.returncode == 1 and "kb build" in done.stderr


def test_pages_have_security_headers_short_caching_and_gzip(
    stack: tuple[Nginx, ApiProcess],
) -> None:
    nginx, _ = stack
    page = httpx.get(nginx.url + "/email/quota/", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert "Mailbox quota is full" in page.text
    assert page.headers["cache-control"] == "no-cache"
    csp = page.headers["content-security-policy"]
    directives = ("default-src 'none'", "script-src 'self' 'sha256-", "connect-src 'self'",
                  "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'")  # fmt: skip
    for directive in directives:
        assert directive in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert page.headers["x-frame-options"] == "DENY"
    assert "camera=()" in page.headers["permissions-policy"]
    assert page.headers["server"] == "nginx"  # no version
    # A revalidation costs nothing.
    again = httpx.get(nginx.url + "/email/quota/", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    missing = httpx.get(nginx.url + "/no/such/page/")
    assert missing.status_code == 404 and "content-security-policy" in missing.headers


def test_hashed_assets_are_immutable_and_compressed(
    stack: tuple[Nginx, ApiProcess], small_kb: Path
) -> None:
    nginx, _ = stack
    (bundle,) = (small_kb / "site" / "assets" / "javascripts").glob("bundle.*.min.js")
    raw = httpx.get(f"{nginx.url}/assets/javascripts/{bundle.name}",
                    headers={"Accept-Encoding": "gzip"})  # fmt: skip
    assert raw.status_code == 200
    assert raw.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.headers["x-content-type-options"] == "nosniff"
    assert raw.content == bundle.read_bytes()  # httpx decoded it
    (css,) = (small_kb / "site" / "assets" / "stylesheets").glob("main.*.min.css")
    style = httpx.get(f"{nginx.url}/assets/stylesheets/{css.name}")
    assert style.headers["cache-control"].endswith("immutable")
    ours = httpx.get(nginx.url + "/assets/kb/kb-widget.js")
    assert ours.headers["cache-control"] == "public, max-age=3600"  # no hash in the name
    # gzip on the wire, really:
    with httpx.stream("GET", nginx.url + "/", headers={"Accept-Encoding": "gzip"}) as stream:
        body = b"".join(stream.iter_raw())
    assert b"<!doctype html>" in gzip.decompress(body)[:100]


def test_api_is_proxied_with_its_headers(stack: tuple[Nginx, ApiProcess], small_kb: Path) -> None:
    nginx, _ = stack
    time.sleep(1.5)  # a fresh rate-limit budget
    ready = httpx.get(nginx.url + "/api/readyz", headers={"X-Request-ID": "lb-check-1"})
    assert ready.status_code == 200, ready.text
    assert ready.json()["generation"] == generation_of(small_kb / ".kb" / "index")
    assert ready.json()["checks"] == {"index": "ok", "database": "ok"}  # PostgreSQL answers
    assert ready.headers["x-request-id"] == "lb-check-1"
    found = httpx.get(nginx.url + "/api/search", params={"q": "quota"})
    assert found.status_code == 200
    assert found.json()["results"][0]["path"] == "email/quota.md"
    assert re.fullmatch(r"[0-9a-f]{32}", found.headers["x-request-id"])  # nginx's $request_id
    assert found.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in found.headers["content-security-policy"]
    metrics = httpx.get(nginx.url + "/api/metrics")  # from loopback: allowed
    assert metrics.status_code == 200 and "kb_http_requests_total" in metrics.text


def test_api_rate_limit_answers_429_beyond_the_burst(stack: tuple[Nginx, ApiProcess]) -> None:
    nginx, _ = stack
    time.sleep(3)  # the bucket refills (2 r/s)
    with httpx.Client(base_url=nginx.url) as client:

        def one(_: int) -> int:
            return client.get("/api/search", params={"q": f"limit {SECRET}"}).status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(one, range(BURST * 4)))
    assert statuses.count(200) >= 1
    assert statuses.count(200) <= BURST + 2
    assert statuses.count(429) >= BURST
    assert set(statuses) <= {200, 429}
    # Probes are not limited, even now.
    assert httpx.get(nginx.url + "/api/livez").status_code == 200


def test_no_query_string_or_client_address_in_nginx_logs(stack: tuple[Nginx, ApiProcess]) -> None:
    nginx, api = stack
    time.sleep(1.5)
    assert httpx.get(nginx.url + f"/api/search?q=hello+{SECRET}").status_code in (200, 429)
    assert httpx.get(nginx.url + f"/email/quota/?password={SECRET}").status_code == 200
    time.sleep(0.3)
    access = nginx.access_log.read_text()
    assert "GET /api/search " in access and "GET /email/quota/" in access
    assert SECRET not in access and "?" not in access
    assert "127.0.0.1" not in access
    # Rate-limit refusals are not written to the error log (its lines hold the query).
    assert SECRET not in nginx.error_log.read_text()
    # Nor in what the API printed.
    printed = api.output()
    assert SECRET not in printed and "127.0.0.1" not in printed


# -- the browser, through nginx ---------------------------------------------------------------


def watch(page: Any) -> list[str]:
    """CSP violations and page errors, collected as they happen (see :func:`violations`)."""
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    page.on(
        "console",
        lambda m: (
            problems.append(f"console: {m.text}")
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    return problems


def violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__csp"))


def third_party(page: Any, base: str) -> list[str]:
    return [u for u in page.requests if not u.startswith((base, "data:", "blob:"))]


def test_search_box_through_nginx(page: Any, stack: tuple[Nginx, ApiProcess]) -> None:
    nginx, _ = stack
    time.sleep(1.5)
    problems = watch(page)
    page.goto(nginx.url + "/")
    page.wait_for_selector("html[data-kb-search=api]", state="attached")
    type_search(page, "autossl faild dcv")
    first = page.locator(".kb-search-result .md-search-result__link").first
    first.wait_for()
    assert first.get_attribute("href").endswith("/whm/ssl-autossl/")
    assert problems == [] and violations(page) == []
    assert third_party(page, nginx.url) == []
    # The policy holds: an injected inline script is refused (and the watch sees it).
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__injected = 1'; document.body.append(s); }"
    )
    page.wait_for_function("() => window.__csp.length > 0")
    assert page.evaluate("window.__injected") is None


def test_ticket_widget_through_nginx(page: Any, stack: tuple[Nginx, ApiProcess]) -> None:
    nginx, _ = stack
    time.sleep(1.5)
    problems = watch(page)
    page.goto(nginx.url + DEMO)
    type_ticket(
        page,
        "drawings email comes back every time",
        "I get a bounce: 552 message size exceeds fixed limit. Attachments are 38 MB.",
    )
    first = page.locator(".kb-widget__link").first
    first.wait_for()
    assert first.text_content() == "Understanding bounce messages"
    assert page.locator(".kb-widget__priority").text_content().startswith("Suggested priority: ")
    assert problems == [] and violations(page) == []
    assert third_party(page, nginx.url) == []


def test_feedback_vote_through_nginx(page: Any, stack: tuple[Nginx, ApiProcess]) -> None:
    nginx, _ = stack
    time.sleep(1.5)
    problems = watch(page)
    page.goto(nginx.url + "/email/quota/")
    page.locator(".kb-feedback").wait_for(timeout=15_000)
    like = page.get_by_role("button", name="Yes", exact=True)
    like.click()
    page.wait_for_function(
        "() => document.querySelector('.kb-feedback__like').getAttribute('aria-pressed') === 'true'"
    )
    stats = httpx.get(nginx.url + "/api/articles/email/quota.md/stats").json()
    assert stats["helpful"] >= 1 and stats["views"] >= 1  # stored in PostgreSQL
    assert problems == [] and violations(page) == []
    assert third_party(page, nginx.url) == []

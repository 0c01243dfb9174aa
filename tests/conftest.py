"""Fixtures shared by every test package: small real sites written into ``tmp_path``."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent

ARTICLE = """\
---
title: {title}
summary: {summary}
tags: [{tags}]
---

## Symptoms

{body}
"""


def article(
    title: str,
    body: str = "Some text.",
    *,
    summary: str = "A short summary.",
    tags: str = "email",
    extra_front: str = "",
) -> str:
    """The text of a valid article, with optional extra front-matter lines."""
    text = ARTICLE.format(title=title, summary=summary, tags=tags, body=body)
    if extra_front:
        text = text.replace("---\n\n", extra_front.rstrip("\n") + "\n---\n\n", 1)
    return text


class SiteFactory:
    """Writes a site (mkdocs.yml + docs/) under one directory and builds or checks it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(
        self,
        files: dict[str, str],
        *,
        plugin: dict[str, Any] | None = None,
        extra_config: dict[str, Any] | None = None,
    ) -> Path:
        docs = self.root / "docs"
        for rel, text in files.items():
            path = docs / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
        options = {"search_index": False, **(plugin or {})}
        config = {
            "site_name": "Test KB",
            "theme": {"name": "material", "font": False},
            "plugins": ["search", "tags", {"kb": options}],
            "markdown_extensions": ["admonition", "attr_list", "toc", "tables"],
            "extra": {"company": "Example Hosting", "support_email": "support@example.com"},
            **(extra_config or {}),
        }
        (self.root / "mkdocs.yml").write_text(yaml.safe_dump(config))
        return self.root / "mkdocs.yml"

    def load(self, **overrides: Any) -> Any:
        from mkdocs.config import load_config

        return load_config(config_file=str(self.root / "mkdocs.yml"), **overrides)

    def build(self, **overrides: Any) -> Path:
        from kb_builder.building import build_site

        build_site(self.load(**overrides))
        return self.root / "site"


@pytest.fixture
def site_factory(tmp_path: Path) -> SiteFactory:
    return SiteFactory(tmp_path)


def minimal_sections() -> dict[str, str]:
    """Landing pages for the default sections, so a test site is complete."""
    names = ("whm", "cpanel", "email", "hosting", "security", "support")
    pages = {f"{s}/index.md": f"---\ntitle: {s.upper()}\n---\n\nAbout {s}.\n" for s in names}
    pages["index.md"] = "---\ntitle: Home\n---\n\nWelcome.\n"
    return pages


@pytest.fixture
def make_site(site_factory: SiteFactory) -> Callable[..., SiteFactory]:
    def make(files: dict[str, str], **kwargs: Any) -> SiteFactory:
        site_factory.write({**minimal_sections(), **files}, **kwargs)
        return site_factory

    return make


# -- served sites and a real browser, for end-to-end tests -----------------------------------

import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from tests.live_server import free_port  # noqa: E402


def wait_for(url: str, timeout: float = 60.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


@dataclass
class ServedSite:
    """A copy of the real knowledge base, built, and served by a real server process."""

    root: Path
    url: str
    database_url: str
    proc: subprocess.Popen[bytes]


def _copy_project(dest: Path) -> Path:
    shutil.copytree(REPO / "docs", dest / "docs")
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def _start(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    # Logs go to a file (a pipe nobody reads would fill up and block the server).
    with (cwd / f"server-{free_port()}.log").open("wb") as log:
        return subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def built_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real docs/ copied and built once (site/ and .kb/index) in a temporary folder."""
    root = _copy_project(tmp_path_factory.mktemp("kb"))
    subprocess.run(
        [sys.executable, "-m", "kb_builder.cli", "build"], cwd=root, check=True, capture_output=True
    )
    return root


@pytest.fixture(scope="session")
def served_kb(built_kb: Path) -> Iterator[ServedSite]:
    """``kb serve`` (site + API on one port) over the real knowledge base."""
    port = free_port()
    database_url = f"sqlite:///{built_kb / '.kb' / 'served.sqlite3'}"
    env = {**os.environ, "KB_DATABASE_URL": database_url, "KB_RATE_LIMIT": "0/minute"}
    proc = _start(
        [
            sys.executable,
            "-m",
            "kb_builder.cli",
            "serve",
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        built_kb,
        env,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url + "api/health", proc=proc)
        yield ServedSite(built_kb, url, database_url, proc)
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def static_kb(built_kb: Path) -> Iterator[str]:
    """The built site/ on a plain static file server: no API behind it."""
    port = free_port()
    proc = _start(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(built_kb / "site"),
        ],
        built_kb,
        dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url, proc=proc)
        yield url
    finally:
        _stop(proc)


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run scripts/test (it installs Debian's chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page that records every request it makes (``page.requests``)."""
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.requests = []
    pg.on("request", lambda request: pg.requests.append(request.url))
    try:
        yield pg
    finally:
        context.close()


# -- databases: SQLite and a real PostgreSQL server ---------------------------------------


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A real PostgreSQL server for the session (fails, never skips, if it cannot start)."""
    from tests.postgres import PostgresServer

    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty feedback database of each kind the product supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    return str(request.getfixturevalue("postgres").new_database())

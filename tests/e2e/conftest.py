"""Browser tests: a real Material site built from the repository's docs, served with the
real API by uvicorn, driven by Debian's Chromium through Playwright.

Chromium and axe-core are required: a missing one fails the tests rather than skipping
them (run `npm ci` in the repository root for axe-core).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_server import ASSETS, AXE, LiveServer
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from ticket_forms import TicketForms, forms_app

from kb_api import Settings, create_app
from kb_api.settings import RateLimit


@pytest.fixture(scope="session")
def built_site(built_kb: Path) -> tuple[Path, Path]:
    """(site_dir, index_dir): the real docs/ built by `kb build` (our plugin ships the
    assets under assets/kb/ and builds the index)."""
    return built_kb / "site", built_kb / ".kb" / "index"


@pytest.fixture(scope="session")
def pages_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Plain HTML pages standing in for third-party ticket forms (WHMCS, HESK, ...)."""
    pages = tmp_path_factory.mktemp("pages")
    (pages / "form.html").write_text(
        """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Open a ticket</title></head>
<body><main><h1>Open a ticket</h1>
<form id="ticket" action="/submitted" method="post">
<label for="subject">Subject</label> <input id="subject" name="subject" type="text">
<label for="message">Message</label> <textarea id="message" name="message" rows="6"></textarea>
<button type="submit">Submit</button>
</form></main>
<script src="/assets/kb/kb-widget.js" data-api="/api" data-subject="#subject"
        data-body="#message" data-delay="100" defer></script>
</body></html>""",
        encoding="utf-8",
    )
    return pages


@pytest.fixture(scope="session")
def site_with_api(built_site: tuple[Path, Path], pages_dir: Path) -> Iterator[LiveServer]:
    """The built site and the API on one port, as `kb serve` serves them."""
    site, index_dir = built_site
    app = create_app(Settings(index_dir=index_dir, rate_limit=RateLimit(100_000, 60.0)))
    app.mount("/assets/kb", StaticFiles(directory=ASSETS))
    app.mount("/pages", StaticFiles(directory=pages_dir))
    app.mount("/", StaticFiles(directory=site, html=True))
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def static_site(built_site: tuple[Path, Path]) -> Iterator[LiveServer]:
    """The same site on a purely static host: no API."""
    site, _ = built_site
    app = Starlette(routes=[Mount("/", app=StaticFiles(directory=site, html=True))])
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` in the repository root")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def ticket_forms(built_site: tuple[Path, Path]) -> Iterator[TicketForms]:
    """The WHMCS and HESK stand-ins (tests/e2e/ticket_forms.py) on two
    more ports, the first of them in the API's CORS origins, both attaching the widget
    from a knowledge base on a third port."""
    site, index_dir = built_site
    forms = forms_app()
    with LiveServer(forms) as allowed, LiveServer(forms) as other:
        settings = Settings(
            index_dir=index_dir,
            rate_limit=RateLimit(100_000, 60.0),
            cors_origins=(allowed.url,),
        )
        app = create_app(settings)
        app.mount("/assets/kb", StaticFiles(directory=ASSETS))
        app.mount("/", StaticFiles(directory=site, html=True))
        with LiveServer(app) as kb:
            forms.state.kb_url = kb.url
            yield TicketForms(allowed.url, other.url, kb.url)

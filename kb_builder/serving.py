"""``kb serve``: the API under ``/api`` on the same port as MkDocs' live-reload server.

MkDocs' dev server is a WSGI server; the API is ASGI. ``a2wsgi`` runs the API inside it,
so one command and one port serve the preview, live reload and the API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["mount_api"]

log = logging.getLogger(__name__)

API_PREFIX = "/api"


def mount_api(
    server: Any,
    *,
    index_dir: Path,
    database_url: str | None,
    cors_origins: Iterable[str] = (),
) -> None:
    """Route ``/api`` requests of MkDocs' ``LiveReloadServer`` to our FastAPI app."""
    from a2wsgi import ASGIMiddleware

    from kb_api import Settings, create_app

    base = Settings.from_env()
    overrides: dict[str, Any] = {"index_dir": index_dir, "cors_origins": tuple(cors_origins)}
    if database_url:
        overrides["database_url"] = database_url
    settings = Settings(**{**base.__dict__, **overrides})
    api = ASGIMiddleware(create_app(settings))  # type: ignore[arg-type]
    site: Callable[..., Iterable[bytes]] = server.serve_request

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            return api(environ, start_response)  # type: ignore[arg-type]
        return site(environ, start_response)

    server.set_app(dispatch)
    log.info("API served at %s (index %s)", API_PREFIX, index_dir)

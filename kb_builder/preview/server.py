"""``kb serve``: the API under ``/api`` on the same port as MkDocs' live-reload server,
and a file watcher that notices a save at once.

MkDocs' dev server is a WSGI server; the API is ASGI. ``a2wsgi`` runs the API inside it,
so one command and one port serve the preview, live reload and the API.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["log_requests_by_status", "mount_api", "watch_natively"]

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
    logging.getLogger("mkdocs.livereload").addFilter(_no_query_strings)
    log.info("API served at %s (index %s)", API_PREFIX, index_dir)


_QUERY_STRING = re.compile(r"\?[^\s\"]*")


def _no_query_strings(record: logging.LogRecord) -> bool:
    """Cut the query string out of the request lines MkDocs' dev server logs.

    It writes ``"GET /api/search?q=... HTTP/1.1" code 422`` for every answer but 200,
    and search text holds what people paste (passwords). The API's own access line
    already leaves the query string out (``kb_api.observability``).
    """
    message = record.getMessage()
    if "?" in message:
        record.msg, record.args = _QUERY_STRING.sub("", message), None
    return True


def watch_natively(server: Any) -> None:
    """Make MkDocs' ``LiveReloadServer`` watch with the system's file events (inotify,
    FSEvents) instead of polling.

    MkDocs polls every watched file twice a second: with thousands of articles that is a
    steady load, and a save waits a quarter of a second on average before anyone looks.
    Only changes count: the events of a build reading the files do not start another.
    ``KB_SERVE_POLLING=1`` keeps MkDocs' polling (for network file systems, where file
    events do not arrive).
    """
    if os.environ.get("KB_SERVE_POLLING", "") not in ("", "0"):
        return
    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict) or not hasattr(server, "observer"):
        log.debug("MkDocs' LiveReloadServer changed: keeping its own file watcher")
        return
    counts = dict(watched)
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = _changes_observer()
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)
    log.debug("watching %s with %s", ", ".join(counts), type(server.observer).__name__)


def _changes_observer() -> Any:
    """The platform's native observer, reporting changes only (not opens and reads)."""
    from watchdog import events
    from watchdog.observers import Observer

    changes = [
        events.FileCreatedEvent,
        events.FileModifiedEvent,
        events.FileDeletedEvent,
        events.FileMovedEvent,
        events.FileClosedEvent,  # closed after writing
    ]

    class ChangesObserver(Observer):  # type: ignore[misc,valid-type]
        def schedule(self, handler: Any, path: Any, **kwargs: Any) -> Any:
            kwargs["event_filter"] = kwargs.get("event_filter") or changes
            return super().schedule(handler, path, **kwargs)

    return ChangesObserver(timeout=0.25)


_REQUEST = re.compile(r'"[A-Z]+ (?P<path>\S*) HTTP/[\d.]+" code (?P<code>\d{3})')


class _RequestLevels(logging.Filter):
    """MkDocs' dev server logs every answer but a 200 as a WARNING: a 204 for each
    widget event, a 304 for each cached asset. Requests under /api are logged by the API
    itself (at INFO); the others: below 400 at DEBUG like a 200, 4xx at INFO, 5xx as the
    warning it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        m = _REQUEST.search(record.getMessage())
        if m is None:
            return True
        path, code = m.group("path"), int(m.group("code"))
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            return False
        level = logging.DEBUG if code < 400 else logging.INFO if code < 500 else logging.WARNING
        record.levelno, record.levelname = level, logging.getLevelName(level)
        return record.levelno >= logging.getLogger("mkdocs").getEffectiveLevel()


def log_requests_by_status() -> None:
    """Give MkDocs' request log the levels of :class:`_RequestLevels` (once)."""
    logger = logging.getLogger("mkdocs.livereload")
    if not any(isinstance(f, _RequestLevels) for f in logger.filters):
        logger.addFilter(_RequestLevels())

"""One log line and one metric sample per request, and a request id on every answer.

:class:`RequestObserver` is the outermost middleware of the API. For each HTTP request it

- takes the ``X-Request-ID`` the proxy sent (a short token of letters, digits, ``.``,
  ``_`` and ``-``) or makes one, and returns it in the answer's ``X-Request-ID``;
- counts the request in :mod:`kb_api.metrics` by method, route template and status;
- writes one line to the ``kb_api.access`` logger: method, path *without* the query
  string, route template, status, duration and request id.

Nothing else about the request is logged: not the query string (search text, pasted
passwords), not the client address, not a header, not the body. uvicorn's own access
log, which records both, is turned off by ``kb api`` (:mod:`kb_api.serve`).

:class:`LogFormatter` writes those lines, and every other log record, as plain text or as
one JSON object per line (``KB_LOG_FORMAT=json``).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any
from urllib.parse import quote

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kb_api import metrics

__all__ = ["ACCESS_LOGGER", "LogFormatter", "RequestObserver", "log_config"]

ACCESS_LOGGER = "kb_api.access"
access_log = logging.getLogger(ACCESS_LOGGER)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
#: A route template for requests that matched no route (bounded metric labels).
UNMATCHED = "unmatched"
PATH_MAX = 200
CLIENT_GONE = 499
"""The status logged for a request whose client left before it was answered (nginx's)."""


def request_id(scope: Scope) -> str:
    """The request's ``X-Request-ID`` if it is a safe token, else a new random one."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _REQUEST_ID.match(text):
                return text
            break
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (``/api/articles/{path:path}/stats``).

    Requests refused before routing (rate limit, body size) are matched here against the
    app's routes, so that they are counted under the same template.
    """
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path or "/"
    app = scope.get("app")
    for candidate in getattr(getattr(app, "router", None), "routes", ()):
        try:
            match, _ = candidate.matches(scope)
        except Exception:  # a route that cannot judge this scope does not match it
            continue
        if match is Match.FULL:
            return str(getattr(candidate, "path", UNMATCHED)) or "/"
    return UNMATCHED


def loggable_path(path: str) -> str:
    """The path as a log may carry it: percent-encoded (no control characters), cut."""
    text = quote(path, safe="/:@!$&'()*+,;=-._~")
    return text if len(text) <= PATH_MAX else text[:PATH_MAX] + "..."


class RequestObserver:
    """Request ids, the access log line and request metrics (see the module's doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        rid = request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        status = 500  # what the client gets if the app fails before answering
        header = (b"x-request-id", rid.encode("ascii"))

        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = int(message["status"])
                headers = [h for h in message.get("headers", ()) if h[0] != b"x-request-id"]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        returned = False
        try:
            await self.app(scope, receive, send_with_id)
            returned = True
        finally:
            if returned and not started:
                # The app returned without answering: the client went away first (it
                # closed the connection, or was closed for sending its body too slowly).
                status = CLIENT_GONE
            seconds = time.perf_counter() - start
            method = str(scope.get("method", "GET"))
            route = route_template(scope)
            metrics.observe_request(method, route, status, seconds)
            access_log.info(
                "%s %s %d %.1fms",
                method,
                loggable_path(str(scope.get("path", ""))),
                status,
                seconds * 1000,
                extra={
                    "http": {
                        "method": method,
                        "path": loggable_path(str(scope.get("path", ""))),
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "request_id": rid,
                    }
                },
            )


class LogFormatter(logging.Formatter):
    """Plain lines (``2024-05-01T10:00:00Z INFO kb_api.access GET /api/search 200 1.2ms
    route=/api/search id=...``) or one JSON object per line."""

    def __init__(self, fmt: str = "plain") -> None:
        super().__init__()
        self.json = fmt == "json"

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        http: dict[str, Any] | None = getattr(record, "http", None)
        message = record.getMessage()
        if self.json:
            data: dict[str, Any] = {
                "time": self.formatTime(record),
                "level": record.levelname.lower(),
                "logger": record.name,
            }
            if http is not None:
                data.update(http)
            else:
                data["message"] = message
            if record.exc_info:
                data["exception"] = self.formatException(record.exc_info)
            return json.dumps(data, ensure_ascii=False)
        line = f"{self.formatTime(record)} {record.levelname} {record.name} {message}"
        if http is not None:
            line += f" route={http['route']} id={http['request_id']}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def log_config(fmt: str = "plain", level: str = "info") -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of ``kb api`` (given to uvicorn, which applies it
    in every worker): our loggers and uvicorn's error log in ``fmt``, to stderr; uvicorn's
    access log silenced."""
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"kb": {"()": LogFormatter, "fmt": fmt}},
        "handlers": {
            "kb": {
                "class": "logging.StreamHandler",
                "formatter": "kb",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "kb_api": {"handlers": ["kb"], "level": upper, "propagate": False},
            "search": {"handlers": ["kb"], "level": upper, "propagate": False},
            "kb_builder": {"handlers": ["kb"], "level": upper, "propagate": False},
            "uvicorn": {"handlers": ["kb"], "level": upper, "propagate": False},
            "uvicorn.error": {"level": upper},
            # It would log the query string and the client address: never enabled.
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }

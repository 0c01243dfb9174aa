"""The API's one JSON error shape, and the handlers that turn every failure into it.

Every error answer, whatever raised it (a route, validation, a middleware, a CORS
refusal, the HTTP connection itself, an unexpected exception), has this body, built by
:func:`error_body` alone (:func:`error_json` gives it as bytes, for the layers below the
app)::

    {"error": {"status": 413, "code": "body_too_large", "message": "...", "details": null}}
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = [
    "ERROR_RESPONSES",
    "ApiError",
    "error_body",
    "error_json",
    "error_response",
    "install_error_handlers",
]

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An HTTP error with its status, machine-readable code and human message."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.details = details
        self.headers = headers


def error_body(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The JSON body of every error answer."""
    return {"error": {"status": status, "code": code, "message": message, "details": details}}


def error_json(status: int, code: str, message: str, details: Any = None) -> bytes:
    """:func:`error_body` as the bytes of a JSON answer."""
    return json.dumps(error_body(status, code, message, details)).encode()


def error_response(error: ApiError) -> JSONResponse:
    """A JSON response carrying ``error`` in the one error shape."""
    return JSONResponse(
        error_body(error.status, error.code, error.message, error.details),
        status_code=error.status,
        headers=error.headers,
    )


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Never echo the input back: it may be ticket text, and it may hold a secret.
    return [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "message": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in exc.errors()
    ]


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
    # The path is percent-encoded: whatever a client put in the URL comes back as text.
    path = quote(request.url.path, safe="/")
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such endpoint: {request.method} {path}"
    elif exc.status_code == 405:
        message = f"method {request.method} is not allowed on {path}"
    headers = dict(exc.headers) if exc.headers else None
    return error_response(ApiError(exc.status_code, message, headers=headers))


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = _validation_details(exc)
    if any(d["type"] == "json_invalid" for d in details):
        return error_response(
            ApiError(
                400, "the request body is not valid JSON", code="invalid_json", details=details
            )
        )
    return error_response(
        ApiError(422, "the request is missing fields or has invalid values", details=details)
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Logged with the path only: the body may be ticket text.
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(ApiError(500, "internal error; the problem was logged"))


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of failure through :func:`error_body`."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": f"Error ({code})",
        "content": {
            "application/json": {
                "example": error_body(status, code, "what went wrong"),
            }
        },
    }
    for status, code in (
        (400, "invalid_json"),
        (413, "body_too_large"),
        (422, "validation_error"),
        (429, "rate_limited"),
    )
}
"""OpenAPI description of the error answers every endpoint can give."""

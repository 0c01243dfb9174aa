"""CORS for the pages that call the API from another origin, refusals in the one error shape.

Starlette's :class:`~starlette.middleware.cors.CORSMiddleware` decides; this subclass only
changes how a refused preflight is worded: 400 ``cors_refused`` with ``details.refused``
naming what was not allowed (``origin``, ``method``, ``headers``), instead of a
``text/plain`` "Disallowed CORS origin".

A request that is not a preflight is answered as usual, without
``Access-Control-Allow-Origin`` unless its origin is allowed, so that the browser keeps
the answer from the page. It is not refused here: browsers send ``Origin`` on same-origin
``POST`` requests too, and a cross-origin ``POST`` that skips the preflight cannot carry
``Content-Type: application/json``, which every body must (:mod:`kb_api.bodies`).
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from kb_api.errors import error_json

__all__ = ["Cors"]

_STARLETTE_PREFIX = "Disallowed CORS "


class Cors(CORSMiddleware):
    """:class:`CORSMiddleware` whose refused preflights use :func:`kb_api.errors.error_body`."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        text = bytes(response.body).decode("utf-8", "replace")
        refused = text.removeprefix(_STARLETTE_PREFIX).split(", ") if text else []
        message = "cross-origin request refused" + (
            f" (not allowed: {', '.join(refused)})" if refused else ""
        )
        headers = {
            name: value
            for name, value in response.headers.items()
            if name not in ("content-type", "content-length")
        }
        return Response(
            error_json(response.status_code, "cors_refused", message, {"refused": refused}),
            status_code=response.status_code,
            headers=headers,
            media_type="application/json",
        )

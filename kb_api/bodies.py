"""Request bodies are JSON: their media type and syntax are checked before a route's model.

FastAPI, left to itself, passes a body whose ``Content-Type`` is not JSON to the model as
bytes (422 "Input should be a valid dictionary"), and answers a body that is JSON but
cannot be decoded (invalid UTF-8, nesting deeper than the parser's stack, an integer of
more than 4,300 digits) with 400 ``bad_request`` and no details. :class:`JsonBodyRoute`
reads the body first and refuses:

- a body without a JSON media type (``application/json`` or ``*/*+json``) with 415
  ``unsupported_media_type``;
- a body that does not decode with 400 ``invalid_json``, ``details`` saying where and why.

The decoded value is what FastAPI then validates (Starlette keeps it on the request), so a
body is parsed once.
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from kb_api.errors import ApiError

__all__ = ["JsonBodyRoute", "check_json_body"]

MEDIA_TYPE_MAX = 60
"""Characters of a refused media type that its error message repeats."""


class JsonBodyRoute(APIRoute):
    """A route whose body, if it declares one, must be JSON (see the module's doc)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def checked(request: Request) -> Response:
            await check_json_body(request)
            return await handler(request)

        return checked


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _invalid(message: str, position: int | None) -> ApiError:
    loc: list[str | int] = ["body"] if position is None else ["body", position]
    return ApiError(
        400,
        f"the request body is not valid JSON: {message}",
        code="invalid_json",
        details=[{"loc": loc, "message": message, "type": "json_invalid"}],
    )


async def check_json_body(request: Request) -> None:
    """Decode ``request``'s body as JSON, or raise the :class:`ApiError` that says why not.

    An empty body passes: the route's validation then reports the missing fields (422).
    """
    body = await request.body()
    if not body:
        return
    content_type = request.headers.get("content-type")
    if not _is_json(content_type):
        got = (content_type or "").split(";")[0].strip()[:MEDIA_TYPE_MAX]
        raise ApiError(
            415,
            "the request body must be JSON (Content-Type: application/json), "
            + (f"got {got!r}" if got else "got no Content-Type"),
            code="unsupported_media_type",
        )
    try:
        await request.json()
    except json.JSONDecodeError as e:
        # Its message names what was expected ("Expecting ',' delimiter"), never the input.
        raise _invalid(f"{e.msg} at line {e.lineno}, column {e.colno}", e.pos) from e
    except UnicodeDecodeError as e:
        raise _invalid(f"invalid {e.encoding.upper()} at byte {e.start}", e.start) from e
    except RecursionError as e:
        raise _invalid("arrays or objects are nested too deeply", None) from e
    except ValueError as e:  # what remains is an integer too long to convert
        raise _invalid("a number has too many digits", None) from e

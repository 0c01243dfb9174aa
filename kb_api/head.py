"""``HEAD`` answered like ``GET``, without the body.

FastAPI routes declared with ``@router.get`` match ``GET`` only, so ``HEAD /api/health``
(what some load balancers and uptime checks send) got 405. :class:`HeadAsGet` routes a
``HEAD`` request as ``GET`` and sends the same status and headers, ``Content-Length``
included, with an empty body, whatever server runs the app (uvicorn drops a ``HEAD``
answer's body itself; not every server does).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HeadAsGet"]


class HeadAsGet:
    """Answer ``HEAD`` as ``GET`` would, body dropped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)

"""Assemble the FastAPI application from settings, routers, limits and error handlers."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from kb_api.bodies import JsonBodyRoute
from kb_api.cors import Cors
from kb_api.errors import ERROR_RESPONSES, install_error_handlers
from kb_api.head import HeadAsGet
from kb_api.index import IndexHandle
from kb_api.limits import BodySizeLimit, RateLimiter
from kb_api.observability import RequestObserver
from kb_api.routes import ROUTERS
from kb_api.routes.probes import PROBE_PATHS
from kb_api.settings import Settings

__all__ = ["create_app"]

log = logging.getLogger(__name__)

DESCRIPTION = (
    "Search the hosting knowledge base and deflect support tickets. Every error answer has "
    'the shape {"error": {"status", "code", "message", "details"}}. Ticket text is never '
    "stored or logged."
)


def _warm_deflection() -> None:
    try:
        from search.deflect import warm_up

        warm_up()
    except Exception:  # the first ticket will try again, and report what fails
        log.exception("could not prepare ticket deflection at startup")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The ticket model is fitted in a second or so: in the background, so that the
    # server answers at once and the first customer's ticket does not wait for it.
    threading.Thread(target=_warm_deflection, name="kb-warm-deflection", daemon=True).start()
    yield


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API. Without ``settings``, they are read from ``KB_*`` environment variables.

    The search index is opened read-only on first use, once per process, and reopened
    after ``kb build`` swaps a new generation in.
    """
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="Knowledge base API",
        version="1",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        responses=ERROR_RESPONSES,
        # No redirect from `/api/health/` to `/api/health`: Starlette builds its Location
        # from the request's Host header, which a client chooses. Such a path gets 404.
        redirect_slashes=False,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.index = IndexHandle(settings.index_dir)
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    _check_bodies_are_json(app)
    # Last added runs first: CORS wraps the limits so that browsers can read a 413 or 429.
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    exempt = ("/api/health", *PROBE_PATHS)
    if settings.rate_limit_storage:
        from kb_api.limits_shared import SharedRateLimiter

        app.add_middleware(
            SharedRateLimiter,
            limit=settings.rate_limit,
            storage_url=settings.rate_limit_storage,
            exempt=exempt,
        )
    else:
        app.add_middleware(RateLimiter, limit=settings.rate_limit, exempt=exempt)
    app.add_middleware(
        Cors,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
        expose_headers=["X-Request-ID"],
    )
    # Outermost: one log line, one metric sample and a request id for every answer.
    app.add_middleware(RequestObserver)
    log.debug(
        "API created: index %s, CORS %s, rate limit %s",
        settings.index_dir,
        settings.cors_origins,
        settings.rate_limit,
    )
    return app


def _check_bodies_are_json(app: FastAPI) -> None:
    """Every route that takes a body checks it is JSON first (:mod:`kb_api.bodies`)."""
    for route in app.routes:
        takes_body = isinstance(route, APIRoute) and route.body_field is not None
        if takes_body and not isinstance(route, JsonBodyRoute):
            raise TypeError(
                f"{getattr(route, 'path', route)} takes a body: declare its router with "
                "APIRouter(route_class=JsonBodyRoute)"
            )

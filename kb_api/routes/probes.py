"""Probes for load balancers and monitoring: liveness, readiness and metrics.

- ``GET /api/livez``: the process answers. Never opens the index or the database, so it
  stays cheap and does not fail when they do (a balancer restarts what is not live).
- ``GET /api/readyz``: the search index is open and the feedback database answers; 503
  in the one error shape otherwise, naming each check that failed (a balancer sends no
  traffic to what is not ready).
- ``GET /api/metrics``: Prometheus' text format (:mod:`kb_api.metrics`).

Both probes report the index generation this process answers from. ``/api/health``
stays as it was (:mod:`kb_api.routes.health`). None of these is rate limited.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kb_api import metrics
from kb_api.errors import ApiError, error_body

__all__ = ["PROBE_PATHS", "router"]

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])

PROBE_PATHS = ("/api/livez", "/api/readyz", "/api/metrics")
"""Paths a rate limit must never refuse (probes and scrapes come often, from one place)."""


class Live(BaseModel):
    status: str = Field(description="Always `alive`.")
    generation: str | None = Field(
        description="The index generation this process has open, or null if none yet."
    )


class Ready(BaseModel):
    status: str = Field(description="Always `ready`.")
    generation: str = Field(description="The index generation this process answers from.")
    checks: dict[str, str] = Field(description="`index` and `database`: `ok`.")


def _generation(kb: Any) -> str | None:
    try:
        return str(kb.generation_name)
    except Exception:  # a probe reports what it can
        return None


@router.get("/api/livez", summary="Liveness of this API process", response_model=Live)
def livez(request: Request) -> dict[str, Any]:
    """``{"status": "alive", "generation": ...}`` as long as the process answers."""
    kb = request.app.state.index.opened()
    return {"status": "alive", "generation": _generation(kb) if kb is not None else None}


def _database_ok(app: FastAPI) -> bool:
    from sqlalchemy import text

    from kb_api.routes.feedback import _open_store

    try:
        store = _open_store(app)
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as e:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness: the feedback database does not answer: %s", type(e).__name__)
        return False
    return True


@router.get(
    "/api/readyz",
    summary="Readiness of this API process",
    response_model=Ready,
    responses={503: {"description": "The index is not open or the database does not answer."}},
)
def readyz(request: Request) -> Any:
    """200 when the index is open and the database answers; 503 with ``details.checks``."""
    checks: dict[str, str] = {}
    generation: str | None = None
    try:
        kb = request.app.state.index.get()
        generation = _generation(kb)
        checks["index"] = "ok"
    except ApiError:
        checks["index"] = "unavailable"
    checks["database"] = "ok" if _database_ok(request.app) else "unavailable"
    if all(v == "ok" for v in checks.values()) and generation is not None:
        return {"status": "ready", "generation": generation, "checks": checks}
    failed = [name for name, v in checks.items() if v != "ok"]
    body = error_body(
        503,
        "not_ready",
        "not ready: " + ", ".join(f"the {name} is unavailable" for name in failed),
        {"generation": generation, "checks": checks},
    )
    return JSONResponse(body, status_code=503, headers={"cache-control": "no-store"})


@router.get(
    "/api/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
def prometheus_metrics(request: Request) -> Response:
    """Requests by route and status, latency histograms, searches with no result,
    suggestions, votes, widget events, and the index generation and its age."""
    return Response(
        metrics.render(request.app.state.index),
        media_type=metrics.CONTENT_TYPE,
        headers={"cache-control": "no-store"},
    )

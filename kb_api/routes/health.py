"""``GET /api/health``: is this process ready to answer (for load balancers and the site)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kb_api.errors import error_body

__all__ = ["router"]

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The process is up and its search index is open."""

    status: str
    index: str


@router.get(
    "/api/health",
    response_model=Health,
    summary="Readiness of this API process",
    responses={503: {"description": "The search index cannot be opened."}},
)
def health(request: Request) -> JSONResponse:
    """``{"status": "ok", "index": "ready"}``, or 503 in the error shape without an index."""
    if request.app.state.index.available():
        return JSONResponse({"status": "ok", "index": "ready"})
    body = error_body(
        503, "index_unavailable", "the search index is not available; build the site first"
    )
    return JSONResponse(body, status_code=503)

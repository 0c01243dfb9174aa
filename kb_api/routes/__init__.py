"""The API's routers. :func:`kb_api.create_app` includes every router in :data:`ROUTERS`:
adding an endpoint module is a one-line change here."""

from __future__ import annotations

from fastapi import APIRouter

from kb_api.routes import docs, feedback, health, probes, search, suggest

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [
    health.router,
    probes.router,
    search.router,
    suggest.router,
    docs.router,
    feedback.router,
]

"""The knowledge base's HTTP API (FastAPI): search, ticket deflection, health.

- :func:`create_app` builds the ASGI app (``uvicorn --factory kb_api:create_app``);
- :class:`Settings` reads ``KB_INDEX_DIR``, ``KB_CORS_ORIGINS``, ``KB_RATE_LIMIT``,
  ``KB_DATABASE_URL``, ``KB_SITE_URL`` and ``KB_MAX_BODY_BYTES``;
- :func:`serve_main` runs it alone with N workers (``kb api``).

Routers are listed in :data:`kb_api.routes.ROUTERS`.
"""

from __future__ import annotations

from kb_api.app import create_app
from kb_api.errors import ApiError, error_body
from kb_api.serve import serve_main
from kb_api.settings import RateLimit, Settings, SettingsError

__all__ = [
    "ApiError",
    "RateLimit",
    "Settings",
    "SettingsError",
    "create_app",
    "error_body",
    "serve_main",
]

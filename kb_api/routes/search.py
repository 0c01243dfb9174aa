"""``GET /api/search?q=``: the site's search (synonyms, typo tolerance, snippets)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from kb_api.metrics import count_search
from kb_api.urls import absolute_urls

__all__ = ["router"]

router = APIRouter(tags=["search"])


@router.get("/api/search", summary="Search the knowledge base")
async def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description="What to search for.")],
    limit: Annotated[int, Query(ge=1, le=50, description="At most this many results.")] = 10,
    section: Annotated[
        str | None,
        Query(
            max_length=40, pattern=r"^[a-z0-9-]+$", description="Only this section, e.g. `email`."
        ),
    ] = None,
) -> dict[str, Any]:
    """Results best first: ``query``, ``did_you_mean``, ``results`` (path, url, title,
    summary, snippet, score) and ``facets`` (matches per section).

    ``snippet`` is escaped HTML whose only tags are ``<mark>`` around matched words.
    """
    kb = request.app.state.index.get()
    results = kb.query(q, limit=limit, section=section).to_dict()
    count_search(results)
    absolute_urls(results.get("results", []), request.app.state.settings.site_url)
    return results

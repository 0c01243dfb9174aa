"""Feedback endpoints: votes, views, widget events and an article's counts.

- ``POST /api/feedback`` ``{"path", "helpful", "comment"?}``: the visitor's vote;
- ``POST /api/views`` ``{"path"}``: a page view, counted once per visitor and day;
- ``POST /api/events`` ``{"type", "path"?, "query"?}``: deflection and search events;
- ``GET /api/articles/{path}/stats``: ``{"path", "views", "helpful", "not_helpful"}``.

Paths are checked against the published articles in the search index (a dictionary
lookup; user input never reaches the file system). Visitors are daily HMACs of the
address, of its /64 for IPv6, never of the user agent (:mod:`kb_feedback.storage.visitors`);
comments and queries have secrets redacted and are truncated before they are stored.
Nothing here logs request bodies.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.exc import SQLAlchemyError

from kb_api.bodies import JsonBodyRoute
from kb_api.errors import ApiError
from kb_api.metrics import count_event, count_vote
from kb_feedback.storage import EventType, FeedbackStore, StorageError, Visitor
from kb_feedback.storage.schema import COMMENT_MAX, PATH_MAX

__all__ = ["ARTICLE_PATH_PATTERN", "router"]

log = logging.getLogger(__name__)

ARTICLE_PATH_PATTERN = r"^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\.md$"
"""A Markdown path relative to ``docs/`` whose segments start with a letter, digit or
``_``: no ``..``, no absolute path."""

QUERY_INPUT_MAX = 500
"""Longest query accepted; it is cut to 100 characters before it is stored."""

_open_lock = threading.Lock()


def _open_store(app: FastAPI) -> FeedbackStore:
    store: FeedbackStore | None = getattr(app.state, "feedback_store", None)
    if store is None:
        with _open_lock:
            store = getattr(app.state, "feedback_store", None)
            if store is None:
                settings = app.state.settings
                store = FeedbackStore.open(
                    settings.database_url, retention_days=settings.retention_days
                )
                app.state.feedback_store = store
    return store


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Migrate at start when the server runs the lifespan (uvicorn does; `kb serve`'s
    # WSGI bridge does not, so the first request opens the store then).
    try:
        _open_store(app)
    except StorageError as e:
        log.error("feedback storage unavailable at start: %s", e)
    yield
    store: FeedbackStore | None = getattr(app.state, "feedback_store", None)
    if store is not None:
        store.close()


router = APIRouter(tags=["feedback"], lifespan=_lifespan, route_class=JsonBodyRoute)

_UNAVAILABLE = "feedback storage is not available; the problem was logged"


@contextmanager
def _storage(request: Request) -> Iterator[FeedbackStore]:
    """The process's store; database failures become a 503 in the one error shape."""
    try:
        yield _open_store(request.app)
    except (StorageError, SQLAlchemyError) as e:
        log.error("feedback storage error on %s: %s", request.url.path, e)
        raise ApiError(503, _UNAVAILABLE, code="storage_unavailable") from e


def _published(request: Request, path: str) -> str:
    """``path`` if it is a published article, else 404."""
    if request.app.state.index.get().document(path) is None:
        raise ApiError(404, f"no such article: {path!r}", code="unknown_article")
    return path


def _visitor(request: Request, store: FeedbackStore) -> Visitor:
    # The address alone: a user agent is whatever the client chose to send.
    return store.visitor(request.client.host if request.client else "unknown")


ArticlePath = Annotated[
    str,
    Field(
        min_length=4,
        max_length=PATH_MAX,
        pattern=ARTICLE_PATH_PATTERN,
        description="The article's path relative to `docs/`, e.g. `email/quota.md`.",
    ),
]


class VoteIn(BaseModel):
    """A visitor's answer to "Was this article helpful?"."""

    model_config = ConfigDict(extra="forbid")

    path: ArticlePath
    helpful: StrictBool
    comment: str | None = Field(
        default=None,
        max_length=COMMENT_MAX,
        description="What was missing. Secrets (passwords, PINs, tokens) are redacted.",
    )


class ViewIn(BaseModel):
    """An article page was shown."""

    model_config = ConfigDict(extra="forbid")

    path: ArticlePath


class EventIn(BaseModel):
    """Something a widget saw: the deflection funnel and searches that found nothing."""

    model_config = ConfigDict(extra="forbid")

    type: EventType
    path: ArticlePath | None = None
    query: str | None = Field(
        default=None,
        max_length=QUERY_INPUT_MAX,
        description="The search or ticket subject typed; stored cut to 100 characters, "
        "secrets redacted. Never the ticket text.",
    )


class StatsOut(BaseModel):
    """An article's counts as its page shows them."""

    path: str
    views: int = Field(description="Distinct visitors per day, summed over all days.")
    helpful: int
    not_helpful: int


def _stats(store: FeedbackStore, path: str, response: Response) -> dict[str, Any]:
    response.headers["cache-control"] = "no-store"
    return store.stats(path).to_dict()


@router.post("/api/feedback", summary="Vote on an article", response_model=StatsOut)
def vote(request: Request, response: Response, body: Annotated[VoteIn, Body()]) -> Any:
    """Record whether the article helped (one vote per visitor and article per day; a
    later vote replaces the earlier one, comment included) and return its counts."""
    path = _published(request, body.path)
    with _storage(request) as store:
        store.record_vote(
            path, _visitor(request, store), helpful=body.helpful, comment=body.comment
        )
        count_vote(body.helpful)
        return _stats(store, path, response)


@router.post("/api/views", summary="Count a view of an article", response_model=StatsOut)
def view(request: Request, response: Response, body: Annotated[ViewIn, Body()]) -> Any:
    """Count the view once per visitor, article and day, and return the article's counts
    (so that the page needs one request to show them)."""
    path = _published(request, body.path)
    with _storage(request) as store:
        store.record_view(path, _visitor(request, store))
        return _stats(store, path, response)


@router.post(
    "/api/events",
    summary="Record a widget event",
    status_code=204,
    response_class=Response,
)
def event(request: Request, body: Annotated[EventIn, Body()]) -> Response:
    """Record one event: ``suggestions_shown``, ``suggestion_opened``, ``deflected``,
    ``ticket_filed``, ``search_no_results`` or ``search_no_click``."""
    path = _published(request, body.path) if body.path is not None else None
    with _storage(request) as store:
        store.record_event(body.type, path=path, query=body.query)
    count_event(str(body.type))
    return Response(status_code=204)


@router.get(
    "/api/articles/{path:path}/stats",
    summary="An article's views and votes",
    response_model=StatsOut,
)
def stats(
    request: Request,
    response: Response,
    path: Annotated[
        str,
        PathParam(max_length=PATH_MAX, pattern=ARTICLE_PATH_PATTERN, examples=["email/quota.md"]),
    ],
) -> Any:
    """``{"path", "views", "helpful", "not_helpful"}``; 404 for an unknown article."""
    _published(request, path)
    with _storage(request) as store:
        return _stats(store, path, response)

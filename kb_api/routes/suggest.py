"""``POST /api/suggest``: ticket deflection for the widget on a ticket form.

The ticket text is used to answer and then dropped: it is neither stored nor logged.
"""

from __future__ import annotations

from typing import Annotated, Any, get_type_hints

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ConfigDict, Field, create_model

from kb_api.bodies import JsonBodyRoute
from kb_api.metrics import count_suggestion
from kb_api.urls import absolute_urls
from search.deflect import Channel, OutOfScope, SecretWarning, secret_warnings
from search.deflect import suggest as deflect
from search.results import Hit

__all__ = ["router"]

router = APIRouter(tags=["suggest"], route_class=JsonBodyRoute)


class Ticket(BaseModel):
    """The ticket as typed so far."""

    model_config = ConfigDict(extra="ignore")

    subject: str = Field(max_length=500, description="The ticket's subject line.")
    body: str = Field(max_length=10_000, description="The ticket's text.")


# The response models are the engine's own dataclasses: a suggested article is a
# search.Hit without its snippet and section (see Suggestion.to_dict), so its model is
# derived from Hit's fields rather than written again.
ArticleOut = create_model(
    "ArticleOut",
    **{
        name: (kind, ...)
        for name, kind in get_type_hints(Hit).items()
        if name not in ("snippet", "section")
    },  # type: ignore[call-overload]
)


class SuggestionOut(BaseModel):
    """What deflection says about the ticket."""

    articles: list[ArticleOut]  # type: ignore[valid-type]
    confidence: str = Field(description="high, low or none")
    priority: str = Field(description="critical, high, medium or low")
    priority_reason: str
    out_of_scope: OutOfScope | None
    secrets: list[SecretWarning]
    channel: Channel


@router.post(
    "/api/suggest",
    summary="Suggest articles and policy advice for a ticket",
    response_model=SuggestionOut,
)
async def suggest(request: Request, ticket: Annotated[Ticket, Body()]) -> dict[str, Any]:
    """Up to five articles with a confidence, the priority the support policy gives the
    ticket (and the phrase that decided it), whether the request is out of scope, warnings
    about pasted secrets (never the secret itself) and the channel to use."""
    kb = request.app.state.index.get()
    result = deflect(ticket.subject, ticket.body, kb=kb).to_dict()
    count_suggestion(result)
    absolute_urls(result["articles"], request.app.state.settings.site_url)
    return result


class TextIn(BaseModel):
    """A part of a ticket to check for pasted secrets."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(
        max_length=60_000,
        description="Text to check; the request as a whole stays under the body limit "
        "(KB_MAX_BODY_BYTES).",
    )


class SecretsOut(BaseModel):
    """The secrets found, by kind, with the advice to show. Never the secret itself."""

    secrets: list[SecretWarning]


@router.post(
    "/api/secrets",
    summary="Check a part of a ticket for pasted secrets",
    response_model=SecretsOut,
)
async def secrets(text: Annotated[TextIn, Body()]) -> dict[str, Any]:
    """The warnings ``/api/suggest`` would give about secrets in ``text``, and nothing else.
    The widget sends here what a long ticket holds beyond what ``/api/suggest`` takes
    (a password under a long pasted log). The text is neither stored nor logged."""
    return {"secrets": [w.to_dict() for w in secret_warnings(text.text)]}

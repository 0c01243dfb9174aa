"""``POST /api/suggest``: ticket deflection for the widget on a ticket form.

The ticket text is used to answer and then dropped: it is neither stored nor logged.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ConfigDict, Field

from kb_api.metrics import count_suggestion
from kb_api.urls import absolute_urls
from search.deflect import suggest as deflect

__all__ = ["router"]

router = APIRouter(tags=["suggest"])


class Ticket(BaseModel):
    """The ticket as typed so far."""

    model_config = ConfigDict(extra="ignore")

    subject: str = Field(max_length=500, description="The ticket's subject line.")
    body: str = Field(max_length=10_000, description="The ticket's text.")


class ArticleOut(BaseModel):
    path: str
    url: str
    title: str
    summary: str
    score: float


class OutOfScopeOut(BaseModel):
    reason: str = Field(
        description="website-design, custom-code, third-party-plugin or end-customer"
    )
    message: str


class SecretOut(BaseModel):
    type: str = Field(description="password, support_pin, api_token or private_key")
    message: str


class ChannelOut(BaseModel):
    recommended: str = Field(description="chat or ticket")
    message: str


class SuggestionOut(BaseModel):
    """What deflection says about the ticket."""

    articles: list[ArticleOut]
    confidence: str = Field(description="high, low or none")
    priority: str = Field(description="critical, high, medium or low")
    priority_reason: str
    out_of_scope: OutOfScopeOut | None
    secrets: list[SecretOut]
    channel: ChannelOut


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

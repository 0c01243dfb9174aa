"""What ``kb search`` and ``kb suggest`` print for a person at a terminal (``--json``
prints the API's JSON instead)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.deflect import Suggestion
    from search.results import SearchResults

__all__ = ["search_lines", "suggestion_lines"]


def search_lines(results: SearchResults) -> Iterator[str]:
    """The correction, then each hit: rank, title, path, score, and its summary."""
    if results.did_you_mean:
        yield f"Did you mean: {results.did_you_mean}"
    if not results.hits:
        yield "No results."
    for n, hit in enumerate(results.hits, start=1):
        yield f"{n:2}. {hit.title}  [{hit.path}]  {hit.score:.2f}"
        yield f"    {hit.summary}"


def suggestion_lines(suggestion: Suggestion) -> Iterator[str]:
    """Priority, scope, secrets, channel, then the articles (as in the JSON, in words)."""
    data = suggestion.to_dict()
    yield f"Priority: {data['priority']}  ({data['priority_reason']})"
    if data["out_of_scope"]:
        yield f"Out of scope ({data['out_of_scope']['reason']}): {data['out_of_scope']['message']}"
    for secret in data["secrets"]:
        yield f"Warning ({secret['type']}): {secret['message']}"
    yield f"Channel: {data['channel']['recommended']}: {data['channel']['message']}"
    yield f"Articles ({data['confidence']} confidence):"
    for n, article in enumerate(data["articles"], start=1):
        yield f"{n:2}. {article['title']}  [{article['path']}]  {article['score']:.2f}"

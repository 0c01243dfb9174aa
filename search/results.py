"""What the engine returns: :class:`Hit`, the one form of a returned article (a search
result, a suggested article, a looked-up article), and :class:`SearchResults`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Hit", "SearchResults"]


@dataclass(frozen=True)
class Hit:
    """One matching article."""

    path: str
    """Path relative to ``docs/``, e.g. ``email/bounces-ndr.md``."""
    url: str
    title: str
    summary: str
    snippet: str
    """An extract of the article around the query's words: escaped HTML in which the
    matches are wrapped in ``<mark>``. Safe to insert into a page as is."""
    score: float
    section: str

    def to_dict(self, *, snippet: bool = True, score_digits: int = 4) -> dict[str, Any]:
        """The hit as a JSON-ready dict: the ``results`` items of ``kb search --json`` and
        ``GET /api/search``; with ``snippet=False, score_digits=3``, the ``articles`` of
        ``kb suggest --json`` and ``POST /api/suggest``."""
        data: dict[str, Any] = {
            "path": self.path,
            "url": self.url,
            "title": self.title,
            "summary": self.summary,
        }
        if snippet:
            data["snippet"] = self.snippet
        data["score"] = round(self.score, score_digits)
        return data


@dataclass(frozen=True)
class SearchResults:
    """The answer to one query."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    did_you_mean: str | None = None
    """The query with misspelled words corrected, if any were; the hits already
    include the corrected words."""
    facets: dict[str, int] = field(default_factory=dict)
    """Matching articles per section, counted without the ``section`` filter
    (see :meth:`search.KnowledgeBase.query`)."""

    def __len__(self) -> int:
        return len(self.hits)

    def __bool__(self) -> bool:
        return bool(self.hits)

    @property
    def paths(self) -> list[str]:
        """The paths of the hits, best first."""
        return [h.path for h in self.hits]

    def to_dict(self) -> dict[str, Any]:
        """The results as a JSON-ready dict: ``query``, ``did_you_mean``, ``results``,
        ``facets``."""
        return {
            "query": self.query,
            "did_you_mean": self.did_you_mean,
            "results": [h.to_dict() for h in self.hits],
            "facets": dict(self.facets),
        }

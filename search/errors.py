"""Exceptions raised by the search package."""

from __future__ import annotations

__all__ = ["IndexNotFound", "SearchError"]


class SearchError(Exception):
    """Something the caller must fix about the search index (not about a query).

    Queries never raise it: any query text gets results or an empty list.
    """


class IndexNotFound(SearchError, FileNotFoundError):
    """There is no search index at the given location: run a build first."""

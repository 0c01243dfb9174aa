"""Library side of ``kb search``: one query or a batch, as JSON-ready dicts.

The CLI parses options and prints; everything else is here, so it can be tested
without a terminal::

    kb = search.open_index(index_dir)
    search_dict(kb, "autossl faild", section=None, limit=10)
    run_batch(sys.stdin, sys.stdout, kb)       # kb search --json --batch -
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any, TextIO

from search.knowledge_base import KnowledgeBase

__all__ = ["batch_line", "run_batch", "search_dict"]

logger = logging.getLogger(__name__)


def search_dict(
    kb: KnowledgeBase, text: str, *, limit: int = 10, section: str | None = None
) -> dict[str, Any]:
    """``kb search "text" --json``: :meth:`SearchResults.to_dict` of the query."""
    return kb.query(text, limit=limit, section=section).to_dict()


def batch_line(
    kb: KnowledgeBase, line: str, *, limit: int = 10, section: str | None = None
) -> dict[str, Any]:
    """The output object for one input line ``{"id": ..., "query": ...}``.

    A line that is not such an object gives ``{"id": ..., "query": null,
    "did_you_mean": null, "results": [], "error": "..."}`` saying what was expected.
    """
    try:
        item = json.loads(line)
    except ValueError as e:
        return _error(None, f"expected a JSON object, got invalid JSON: {e}")
    if not isinstance(item, dict):
        return _error(None, f"expected a JSON object, got {type(item).__name__}")
    ident = item.get("id")
    text = item.get("query")
    if not isinstance(text, str):
        return _error(ident, f"'query': expected a string, got {json.dumps(text)}")
    results = kb.query(text, limit=limit, section=section)
    return {
        "id": ident,
        "query": text,
        "did_you_mean": results.did_you_mean,
        "results": [h.to_dict() for h in results.hits],
    }


def _error(ident: Any, message: str) -> dict[str, Any]:
    return {"id": ident, "query": None, "did_you_mean": None, "results": [], "error": message}


def run_batch(
    lines_in: Iterable[str],
    out: TextIO,
    kb: KnowledgeBase,
    *,
    limit: int = 10,
    section: str | None = None,
) -> int:
    """``kb search --json --batch FILE``: read JSON Lines ``{"id", "query"}`` from
    ``lines_in``, write one JSON line per non-blank input line to ``out``, in order.

    Returns the number of lines that were not valid queries (written with ``"error"``).
    """
    errors = 0
    for number, line in enumerate(lines_in, start=1):
        if not line.strip():
            continue
        result = batch_line(kb, line, limit=limit, section=section)
        if "error" in result:
            errors += 1
            logger.warning("batch line %d: %s", number, result["error"])
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return errors

"""JSON Lines in, JSON Lines out: ``kb search --batch`` and ``kb suggest --batch``.

One runner (:func:`run_lines`) reads the lines, skips blank ones, writes one JSON line
per input line in order, logs and counts the lines that were not valid input. Each
command supplies only how to answer one line::

    kb = search.open_index(index_dir)
    run_batch(sys.stdin, sys.stdout, kb)            # kb search --json --batch -
    run_suggest_batch(sys.stdin, sys.stdout, kb)    # kb suggest --batch -
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from search.deflect.policy import Policy
    from search.knowledge_base import KnowledgeBase

__all__ = [
    "batch_line",
    "run_batch",
    "run_lines",
    "run_suggest_batch",
    "search_dict",
    "suggest_line",
]

logger = logging.getLogger(__name__)


def run_lines(
    lines_in: Iterable[str], out: IO[str], answer: Callable[[int, str], dict[str, Any]]
) -> int:
    """Write ``answer(line_number, line)`` as one JSON line for each non-blank input line.

    An answer with an ``"error"`` key is logged and counted; returns how many there were.
    """
    errors = 0
    for number, line in enumerate(lines_in, start=1):
        if not line.strip():
            continue
        result = answer(number, line)
        if "error" in result:
            errors += 1
            logger.warning("batch line %d: %s", number, result["error"])
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return errors


# -- kb search --batch ---------------------------------------------------------------


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
        return _search_error(None, f"expected a JSON object, got invalid JSON: {e}")
    if not isinstance(item, dict):
        return _search_error(None, f"expected a JSON object, got {type(item).__name__}")
    ident = item.get("id")
    text = item.get("query")
    if not isinstance(text, str):
        return _search_error(ident, f"'query': expected a string, got {json.dumps(text)}")
    results = kb.query(text, limit=limit, section=section)
    return {
        "id": ident,
        "query": text,
        "did_you_mean": results.did_you_mean,
        "results": [h.to_dict() for h in results.hits],
    }


def _search_error(ident: Any, message: str) -> dict[str, Any]:
    return {"id": ident, "query": None, "did_you_mean": None, "results": [], "error": message}


def run_batch(
    lines_in: Iterable[str],
    out: IO[str],
    kb: KnowledgeBase,
    *,
    limit: int = 10,
    section: str | None = None,
) -> int:
    """``kb search --json --batch FILE``: read JSON Lines ``{"id", "query"}`` from
    ``lines_in``, write one JSON line per non-blank input line to ``out``, in order.

    Returns the number of lines that were not valid queries (written with ``"error"``).
    """
    return run_lines(
        lines_in, out, lambda _number, line: batch_line(kb, line, limit=limit, section=section)
    )


# -- kb suggest --batch --------------------------------------------------------------


def suggest_line(
    kb: KnowledgeBase | None, number: int, line: str, *, policy: Policy | None = None
) -> dict[str, Any]:
    """The output object for input line ``number``, ``{"id", "subject", "body"}``: the
    suggestion's JSON with the ticket's ``id`` first, or ``{"id": ..., "error": "..."}``."""
    from search.deflect.suggest import suggest

    ticket_id: Any = None
    try:
        ticket = json.loads(line)
        if not isinstance(ticket, dict):
            raise ValueError("expected a JSON object")
        ticket_id = ticket.get("id")
        subject, body = ticket.get("subject"), ticket.get("body")
        if not isinstance(subject, str) or not isinstance(body, str):
            raise ValueError("expected string fields 'subject' and 'body'")
    except ValueError as e:
        problem = f"not valid JSON: {e.msg}" if isinstance(e, json.JSONDecodeError) else str(e)
        return {"id": ticket_id, "error": f"line {number}: {problem}"}
    return {"id": ticket_id, **suggest(subject, body, kb=kb, policy=policy).to_dict()}


def run_suggest_batch(
    lines: Iterable[str],
    out: IO[str],
    kb: KnowledgeBase | None = None,
    *,
    policy: Policy | None = None,
) -> int:
    """Deflect JSON Lines tickets ``{"id", "subject", "body"}``, writing one line per input.

    Output lines are in input order: the suggestion's JSON with the ticket's ``id`` first,
    or ``{"id": ..., "error": "..."}`` for a line that is not a valid ticket. Blank lines
    are skipped. Returns the number of lines that had an error.
    """
    return run_lines(lines, out, lambda number, line: suggest_line(kb, number, line, policy=policy))

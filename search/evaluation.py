"""Relevance measurement: hit@k and MRR of a search function on labelled queries.

A labelled query is a JSON object with ``query`` (or ``subject`` and ``body``, for a
ticket) and ``articles``: the acceptable answers, best first, as paths relative to
``docs/``. Used by ``bench/relevance.py`` and the relevance regression test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Judged", "Scores", "evaluate", "load_labelled", "query_text"]

#: Ranks below this do not count for MRR.
MRR_CUTOFF = 10


def load_labelled(path: str | Path) -> list[dict[str, Any]]:
    """The labelled queries of a JSON Lines file."""
    rows = []
    with Path(path).open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("articles"), list):
                raise ValueError(
                    f"{path}:{number}: expected an object with 'articles', got {line!r}"
                )
            rows.append(row)
    return rows


def query_text(row: Mapping[str, Any]) -> str:
    """The text to search for: ``query``, or a ticket's ``subject`` + newline + ``body``."""
    if "query" in row:
        return str(row["query"])
    return f"{row.get('subject', '')}\n{row.get('body', '')}"


@dataclass(frozen=True)
class Judged:
    """One labelled query and where its first acceptable answer ranked."""

    id: str
    text: str
    expected: tuple[str, ...]
    got: tuple[str, ...]
    rank: int | None
    """1-based rank of the first acceptable article, None if not in the results."""


@dataclass
class Scores:
    """hit@1, hit@3 and MRR@10 over a set of queries."""

    judged: list[Judged] = field(default_factory=list)

    def _share(self, k: int) -> float:
        if not self.judged:
            return 0.0
        return sum(1 for j in self.judged if j.rank is not None and j.rank <= k) / len(self.judged)

    @property
    def hit1(self) -> float:
        return self._share(1)

    @property
    def hit3(self) -> float:
        return self._share(3)

    @property
    def mrr(self) -> float:
        if not self.judged:
            return 0.0
        total = sum(
            1.0 / j.rank for j in self.judged if j.rank is not None and j.rank <= MRR_CUTOFF
        )
        return total / len(self.judged)

    def misses(self, k: int = 3) -> list[Judged]:
        """The queries without an acceptable answer in the top ``k``."""
        return [j for j in self.judged if j.rank is None or j.rank > k]


def evaluate(
    rows: Iterable[Mapping[str, Any]],
    search: Callable[[Mapping[str, Any]], Sequence[str]],
) -> Scores:
    """Run ``search(row) -> ranked paths`` on every row and score it."""
    scores = Scores()
    for row in rows:
        expected = tuple(row["articles"])
        got = tuple(search(row))[:MRR_CUTOFF]
        rank = next((i for i, path in enumerate(got, start=1) if path in expected), None)
        scores.judged.append(
            Judged(
                id=str(row.get("id", "")),
                text=query_text(row),
                expected=expected,
                got=got,
                rank=rank,
            )
        )
    return scores

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

__all__ = [
    "Judged",
    "PolicyScores",
    "Scores",
    "evaluate",
    "evaluate_policy",
    "load_labelled",
    "query_text",
]

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


@dataclass
class PolicyScores:
    """How deflection applies the support policy to labelled tickets: priority, scope and
    secret warnings, next to the labels (``priority``, ``priority_acceptable``,
    ``out_of_scope``, ``secret_types``)."""

    tickets: int = 0
    priority_exact: int = 0
    priority_acceptable: int = 0
    scope_flagged: int = 0
    scope_correct: int = 0
    """Flagged out of scope, and labelled so."""
    scope_expected: int = 0
    with_secret: int = 0
    secret_found: int = 0
    """Tickets with a secret on which a warning was shown."""
    without_secret: int = 0
    false_alarms: int = 0
    empty_in_scope: int = 0
    """In-scope tickets that got no article at all."""

    @staticmethod
    def _share(good: int, total: int) -> float:
        return good / total if total else 1.0

    def add_decision(self, row: Mapping[str, Any], priority: str, excluded: bool) -> None:
        """Count one labelled ticket's priority and scope decision."""
        self.tickets += 1
        self.priority_exact += priority == row["priority"]
        self.priority_acceptable += priority in row.get("priority_acceptable", [row["priority"]])
        expected = bool(row.get("out_of_scope"))
        self.scope_flagged += excluded
        self.scope_expected += expected
        self.scope_correct += excluded and expected

    def figures(self) -> dict[str, float]:
        """Every figure as a share (1.0 where there is nothing to count)."""
        return {
            "priority exact": self._share(self.priority_exact, self.tickets),
            "priority acceptable": self._share(self.priority_acceptable, self.tickets),
            "scope precision": self._share(self.scope_correct, self.scope_flagged),
            "scope recall": self._share(self.scope_correct, self.scope_expected),
            "secret recall": self._share(self.secret_found, self.with_secret),
            "secret false alarms": self.false_alarms / self.without_secret
            if self.without_secret
            else 0.0,
            "empty in scope": float(self.empty_in_scope),
        }


def evaluate_policy(
    rows: Iterable[Mapping[str, Any]], suggest: Callable[[str, str], Any]
) -> PolicyScores:
    """Run ``suggest(subject, body) -> Suggestion`` on labelled tickets and score the
    policy side of each answer."""
    scores = PolicyScores()
    for row in rows:
        s = suggest(str(row.get("subject", "")), str(row.get("body", "")))
        scores.add_decision(row, s.priority, s.out_of_scope is not None)
        if row.get("secret_types"):
            scores.with_secret += 1
            scores.secret_found += bool(s.secrets)
        else:
            scores.without_secret += 1
            scores.false_alarms += bool(s.secrets)
        if not row.get("out_of_scope") and not s.articles:
            scores.empty_in_scope += 1
    return scores

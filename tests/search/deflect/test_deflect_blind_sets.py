"""The support policy on the blind evaluation set (bench/data): a CI guard with floors.

The sets were written by people who never saw the articles, the rules or the dev set.
The "tune" halves (and a third writer's "tune-ec" tickets) are what the rules were tuned
on and the learned model is fitted on; the "holdout" halves are only ever scored here and
by bench/relevance.py, never read. Each
floor sits a little under what was measured (bench/RESULTS.md), so a change that helps
the sets we tune on and hurts the untouched half fails. Raise a floor when a change
raises the figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from search.deflect import suggest
from search.evaluation import evaluate_policy, load_labelled

BLIND = Path(__file__).resolve().parents[3] / "bench" / "data"

FLOORS: dict[str, dict[str, float]] = {
    # The tuning halves are what the learned model is fitted on: near 1 by construction.
    "tune": {
        "priority exact": 0.95,
        "priority acceptable": 0.97,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    "tune-ec": {
        "priority exact": 0.95,
        "priority acceptable": 0.97,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    "tune-f": {
        "priority exact": 0.95,
        "priority acceptable": 0.97,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    "holdout": {
        "priority exact": 0.87,
        "priority acceptable": 0.93,
        "scope precision": 0.95,
        "scope recall": 0.90,
        "secret recall": 1.00,
    },
    # The second set's untouched half: 1 of its 13 secrets is still missed (0.923).
    "holdout-f": {
        "priority exact": 0.89,
        "priority acceptable": 0.94,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 0.92,
    },
    "tune-h": {
        "priority exact": 0.95,
        "priority acceptable": 0.97,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    # The third set's untouched half: 1 of its 12 secrets missed (0.917), 2 of its 13
    # out-of-scope requests not recognised (0.846).
    "holdout-h": {
        "priority exact": 0.86,
        "priority acceptable": 0.92,
        "scope precision": 0.95,
        "scope recall": 0.84,
        "secret recall": 0.91,
    },
    "tune-j": {
        "priority exact": 0.95,
        "priority acceptable": 0.97,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    "tune-i": {
        "priority exact": 0.95,
        "priority acceptable": 0.97,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    # Writers whose tickets arrived after their set's split: never read, never tuned on.
    "fresh-hd": {
        "priority exact": 0.85,
        "priority acceptable": 0.92,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    "fresh-he": {
        "priority exact": 0.88,
        "priority acceptable": 0.98,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    # One in-scope ticket taken for out of scope since the model learned from tune-j (8/9).
    "fresh-ha": {
        "priority exact": 0.84,
        "priority acceptable": 0.92,
        "scope precision": 0.88,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    "fresh-ic": {
        "priority exact": 0.92,
        "priority acceptable": 0.96,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    "tune-k": {
        "priority exact": 0.93,
        "priority acceptable": 0.98,
        "scope precision": 0.95,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
    # Never read; one in-scope ticket of eight flagged taken for out of scope.
    "fresh-kd": {
        "priority exact": 0.88,
        "priority acceptable": 0.92,
        "scope precision": 0.85,
        "scope recall": 0.95,
        "secret recall": 1.00,
    },
}
#: Secret warnings on tickets without a secret, and in-scope tickets left with no
#: article: at most these.
CEILINGS = {"secret false alarms": 0.02, "empty in scope": 0}
#: Where a set is still above a ceiling (bench/RESULTS.md): at most this, until fixed.
OVER_CEILING: dict[str, dict[str, float]] = {}


@pytest.mark.parametrize("half", list(FLOORS))
def test_policy_on_the_blind_set(repo_kb: Any, half: str) -> None:
    rows = load_labelled(BLIND / f"{half}-tickets.jsonl")
    figures = evaluate_policy(rows, lambda s, b: suggest(s, b, kb=repo_kb)).figures()
    below = {k: round(figures[k], 3) for k, floor in FLOORS[half].items() if figures[k] < floor}
    ceilings = CEILINGS | OVER_CEILING.get(half, {})
    above = {k: round(figures[k], 3) for k, top in ceilings.items() if figures[k] > top}
    assert not below and not above, f"{half}: below floor {below}, above ceiling {above}"

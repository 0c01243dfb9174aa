"""Deflection on the labelled dev tickets, as one table with floors that guard regressions.

Each floor sits a little under what was measured when the rules were tuned, so a change
that makes things worse fails, and one that makes them better can raise the floor.
Run with ``-s`` to see the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from search.deflect import suggest
from search.deflect.policy import default_policy

# Measured: hit@1 59/60, hit@3 59/60, priority exact 30/60, acceptable 41/60,
# scope 8/8 found with 0 false alarms (reasons 8/8), secrets 6/6 with 0 false alarms.
# The priority floors follow the dev tickets as relabelled to ../shared/priority-guide.md
# (breadth decides); the rules still encode the earlier reading of the levels, so they sit
# at what the code measures today until the deflection work raises them.
FLOORS = {
    "article hit@1": 0.90,
    "article hit@3": 0.93,
    "priority exact": 0.48,
    "priority acceptable": 0.66,
    "scope precision": 0.85,
    "scope recall": 0.85,
    "scope reason": 0.85,
    "secret precision": 0.95,
    "secret recall": 0.95,
}


@dataclass
class Row:
    id: str
    hit1: bool
    hit3: bool
    priority: str
    priority_ok: bool
    priority_exact: bool
    scope: str | None
    scope_expected: str | None
    secrets: list[str]
    secrets_expected: list[str]
    confidence: str


@pytest.fixture(scope="module")
def table(repo_kb: Any, dev_tickets: list[dict[str, Any]]) -> list[Row]:
    rows = []
    for t in dev_tickets:
        s = suggest(t["subject"], t["body"], kb=repo_kb)
        got = [a.path for a in s.articles]
        rows.append(
            Row(
                id=t["id"],
                hit1=bool(got) and got[0] in t["articles"],
                hit3=any(p in t["articles"] for p in got[:3]),
                priority=s.priority,
                priority_ok=s.priority in t["priority_acceptable"],
                priority_exact=s.priority == t["priority"],
                scope=s.out_of_scope.reason if s.out_of_scope else None,
                scope_expected=t["oos_reason"] if t["out_of_scope"] else None,
                secrets=sorted(w.type for w in s.secrets),
                secrets_expected=sorted(t["secret_types"]),
                confidence=s.confidence,
            )
        )
    return rows


def _ratio(good: int, total: int) -> float:
    return good / total if total else 1.0


def metrics(rows: list[Row]) -> dict[str, float]:
    flagged = [r for r in rows if r.scope]
    excluded = [r for r in rows if r.scope_expected]
    found = [r for r in rows if r.secrets]
    secret = [r for r in rows if r.secrets_expected]
    return {
        "article hit@1": _ratio(sum(r.hit1 for r in rows), len(rows)),
        "article hit@3": _ratio(sum(r.hit3 for r in rows), len(rows)),
        "priority exact": _ratio(sum(r.priority_exact for r in rows), len(rows)),
        "priority acceptable": _ratio(sum(r.priority_ok for r in rows), len(rows)),
        "scope precision": _ratio(sum(bool(r.scope_expected) for r in flagged), len(flagged)),
        "scope recall": _ratio(sum(bool(r.scope) for r in excluded), len(excluded)),
        "scope reason": _ratio(sum(r.scope == r.scope_expected for r in excluded), len(excluded)),
        "secret precision": _ratio(sum(r.secrets == r.secrets_expected for r in found), len(found)),
        "secret recall": _ratio(sum(r.secrets == r.secrets_expected for r in secret), len(secret)),
    }


def render(rows: list[Row], measured: dict[str, float]) -> str:
    lines = [
        "id      hit@1 hit@3 priority        scope (expected)                 secrets (expected)"
    ]
    for r in rows:
        lines.append(
            f"{r.id}  {'yes' if r.hit1 else 'NO ':5} {'yes' if r.hit3 else 'NO ':5} "
            f"{r.priority:8}{'' if r.priority_ok else '!':1}{'=' if r.priority_exact else '~'}      "  # noqa: E501
            f"{r.scope or '-'} ({r.scope_expected or '-'})".ljust(78)
            + f"{','.join(r.secrets) or '-'} ({','.join(r.secrets_expected) or '-'})"
        )
    lines += [f"{name}: {value:.2f} (floor {FLOORS[name]:.2f})" for name, value in measured.items()]
    return "\n".join(lines)


def test_dev_ticket_table_meets_floors(table: list[Row]) -> None:
    measured = metrics(table)
    report = render(table, measured)
    print("\n" + report)
    below = {name: value for name, value in measured.items() if value < FLOORS[name]}
    assert not below, f"below the floor: {below}\n{report}"


def test_secret_free_tickets_raise_no_warning(table: list[Row]) -> None:
    false_alarms = [r.id for r in table if r.secrets and not r.secrets_expected]
    assert false_alarms == []


def test_excluded_requests_list_the_scope_article_first(
    repo_kb: Any, dev_tickets: list[dict[str, Any]]
) -> None:
    policy = default_policy()
    for t in dev_tickets:
        if not t["out_of_scope"]:
            continue
        s = suggest(t["subject"], t["body"], kb=repo_kb)
        if s.out_of_scope is not None:
            # The exclusion's own pages come first: the scope page, or for an end customer
            # of a reseller the page that sends them to the company they pay.
            first = next(e.articles for e in policy.exclusions if e.reason == s.out_of_scope.reason)
            assert [a.path for a in s.articles[: len(first)]] == list(first), t["id"]
            assert s.channel.recommended == "ticket", t["id"]

"""Relevance regression guard: the labelled queries against an index of the real docs/.

Every article pull request runs this. The floors are the levels the search reached when
they were set (hit@3 = an acceptable article among the first three results); a change
that drops below one fails with the table of queries that now miss.

    python -m pytest -W error tests/search/test_relevance.py -q
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import search
from search import KnowledgeBase
from search.evaluation import Scores, evaluate, load_labelled, query_text

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _dev_dir() -> Path | None:
    """The shared development set: $KB_DEV_DIR, or shared/dev beside the repository."""
    candidates = [os.environ.get("KB_DEV_DIR"), REPO.parent / "shared" / "dev"]
    for c in candidates:
        if c and (Path(c) / "queries.jsonl").is_file():
            return Path(c)
    return None


DEV = _dev_dir()

#: (file, minimum hit@3, minimum MRR): the levels reached, see the module docstring.
SETS: dict[str, tuple[Path | None, float, float]] = {
    "queries": (DEV / "queries.jsonl" if DEV else None, 1.00, 0.97),
    "tickets": (DEV / "tickets.jsonl" if DEV else None, 0.98, 0.95),
    "held-out": (HERE / "data" / "heldout_queries.jsonl", 0.96, 0.93),
}


@pytest.fixture(scope="module")
def real_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    from kb_builder.core.articles import load_articles, to_documents

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8")) or {}
    documents = to_documents(load_articles(REPO / "docs"), config.get("extra") or {})
    if len(documents) < 20:
        pytest.skip(f"docs/ has only {len(documents)} articles")
    index_dir = tmp_path_factory.mktemp("real") / "index"
    search.build_index(documents, index_dir)
    yield search.open_index(index_dir)


def _table(scores: Scores) -> str:
    lines = [f"{'id':<8} {'rank':>4}  {'expected':<32} got (top 3) | query"]
    for j in scores.misses():
        rank = "-" if j.rank is None else str(j.rank)
        lines.append(
            f"{j.id:<8} {rank:>4}  {j.expected[0]:<32} {list(j.got[:3])} | {j.text[:80]!r}"
        )
    return "\n".join(lines)


def _search(kb: KnowledgeBase, row: dict[str, Any]) -> list[str]:
    if "subject" in row:
        return kb.query_ticket(row.get("subject", ""), row.get("body", "")).paths
    return kb.query(query_text(row)).paths


@pytest.mark.parametrize("name", list(SETS))
def test_relevance_does_not_regress(real_kb: KnowledgeBase, name: str) -> None:
    path, min_hit3, min_mrr = SETS[name]
    if path is None or not path.is_file():
        pytest.skip(f"no {name} file (set KB_DEV_DIR to the shared dev set)")
    rows = load_labelled(path)
    unknown = {a for row in rows for a in row["articles"]} - set(real_kb.paths)
    scores = evaluate(rows, lambda row: _search(real_kb, dict(row)))
    report = (
        f"{name}: hit@1 {scores.hit1:.3f}, hit@3 {scores.hit3:.3f} (floor {min_hit3}), "
        f"MRR {scores.mrr:.3f} (floor {min_mrr})\n{_table(scores)}"
        + (f"\nlabelled articles missing from docs/: {sorted(unknown)}" if unknown else "")
    )
    assert scores.hit3 >= min_hit3 and scores.mrr >= min_mrr, report

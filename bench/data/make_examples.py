"""Write the model's training examples: the union of the labelled tickets we tune on.

    .venv/bin/python bench/data/make_examples.py

``search/deflect/examples/tickets.jsonl`` gets every ticket of the shared dev set
(``../shared/dev/tickets.jsonl`` or ``$KB_DEV_TICKETS``) and of this folder's tuning sets
(``tune-tickets.jsonl``, ``tune-ec-tickets.jsonl``, ``tune-f-tickets.jsonl``,
``tune-h-tickets.jsonl``, ``tune-i-tickets.jsonl``, ``tune-j-tickets.jsonl``), ordered by
id, with the fields the model and the cross-validation use. Never the ``holdout-*``
halves or the ``fresh-*`` writers. A test checks that the file is exactly this union,
so it cannot drift; a new labelled ticket goes into one of the sources and this script is
run again, in the same pull request.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEV_TICKETS = Path(
    os.environ.get("KB_DEV_TICKETS", REPO.parent / "shared" / "dev" / "tickets.jsonl")
)
SOURCES = (
    DEV_TICKETS,
    HERE / "tune-tickets.jsonl",
    HERE / "tune-ec-tickets.jsonl",
    HERE / "tune-f-tickets.jsonl",
    HERE / "tune-h-tickets.jsonl",
    HERE / "tune-i-tickets.jsonl",
    HERE / "tune-j-tickets.jsonl",
)
OUT = REPO / "search" / "deflect" / "examples" / "tickets.jsonl"
FIELDS = (
    "id",
    "subject",
    "body",
    "priority",
    "priority_acceptable",
    "priority_why",
    "out_of_scope",
    "oos_reason",
)


def union(sources: tuple[Path, ...] = SOURCES) -> list[dict[str, object]]:
    """The labelled tickets of ``sources``, with :data:`FIELDS` only, ordered by id."""
    rows = []
    for path in sources:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                rows.append({k: item.get(k) for k in FIELDS})
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        raise SystemExit("make_examples: an id appears in more than one source")
    return sorted(rows, key=lambda r: str(r["id"]))


def render(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main() -> int:
    rows = union()
    OUT.write_text(render(rows), encoding="utf-8")
    print(f"{OUT.relative_to(REPO)}: {len(rows)} tickets")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Split the blind evaluation set once into a tuning half and an untouched half.

    python bench/data/split.py [--name NAME] /path/to/writer/files/*.jsonl

writes ``tune-[NAME-]tickets.jsonl``, ``holdout-[NAME-]tickets.jsonl`` and the same for
queries (``--name`` for a later set, so the first split is never overwritten).

The writers saw only the section topics (the content plan), the support policy and the
priority guide: never the articles, their keywords, the rules or the dev set. Each
stratum (writer, scope, secret, priority for tickets; writer for queries) is ordered by a
hash of the item id and dealt alternately, so both halves have the same mix. The split is
made once: ``holdout-*`` is only ever scored, never read while tuning.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _stratum(item: dict, writer: str) -> tuple:
    if "subject" in item:
        return (writer, item["out_of_scope"], item["contains_secret"], item["priority"])
    return (writer,)


def main(paths: list[str], name: str = "") -> int:
    halves: dict[str, dict[str, list[dict]]] = {
        "tune": defaultdict(list),
        "holdout": defaultdict(list),
    }
    for path in sorted(paths):
        kind = "tickets" if Path(path).name.startswith("tickets") else "queries"
        writer = Path(path).stem.split("-", 1)[1]
        strata: dict[tuple, list[dict]] = defaultdict(list)
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                strata[_stratum(item, writer)].append(item)
        for key in sorted(strata, key=repr):
            items = sorted(strata[key], key=lambda i: hashlib.sha256(i["id"].encode()).digest())
            for n, item in enumerate(items):
                halves["tune" if n % 2 == 0 else "holdout"][kind].append(item)
    for half, kinds in halves.items():
        for kind, items in kinds.items():
            items.sort(key=lambda i: i["id"])
            out = HERE / f"{half}-{name + '-' if name else ''}{kind}.jsonl"
            if name and out.exists():
                raise SystemExit(f"{out.name} exists: a set is split once")
            out.write_text(
                "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8"
            )
            print(f"{out.name}: {len(items)}")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--name"]:
        raise SystemExit(main(args[2:], args[1]))
    raise SystemExit(main(args))

"""Split the blind evaluation set once into a tuning half and an untouched half.

    python bench/data/split.py /path/to/writer/files/*.jsonl

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


def main(paths: list[str]) -> int:
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
            out = HERE / f"{half}-{kind}.jsonl"
            out.write_text(
                "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8"
            )
            print(f"{out.name}: {len(items)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""How long the secret detector takes on tickets and on hostile text, against a baseline
measured in the same run.

    .venv/bin/python bench/secrets_speed.py [--repeat 5]

- Tickets: ``kb_text.secrets.find_secrets`` over every labelled example ticket
  (``search/deflect/examples/tickets.jsonl``), subject and body.
- Hostile: texts of 10,500 characters (what ``/api/suggest`` accepts) that repeat what
  the detector's patterns start from: the word password, the word PIN with digits, a
  user and password list, questions, a card-like digit run, and varied password tokens.

The baseline is one pass of a word tokenizer (``re.findall(r"\\w+", text)``) over the same
texts: a ratio says how many such passes detection costs, whatever the machine. Best of
``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kb_text.secrets import find_secrets, warm_secret_detector  # noqa: E402
from search.deflect.model import load_examples  # noqa: E402

LIMIT = 10_500
HOSTILE = {
    "password repeated": "password " * 1200,
    "PIN and digits": "pin " + "1 " * 5000,
    "user, password list": "user bob, password " * 600,
    "questions": "password?\n" * 1000,
    "card-like run": "card " + "4111 " * 2000,
    "varied tokens": " ".join(f"password tok{i}x" for i in range(900)),
}
_WORDS = re.compile(r"\w+")


def _each(function: Callable[[str], object], texts: Sequence[str]) -> None:
    for text in texts:
        function(text)


def _best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    warm_secret_detector()
    tickets = [f"{r['subject']}\n{r['body']}" for r in load_examples()]
    rows = [("labelled tickets", tickets)] + [
        (name, [text[:LIMIT]]) for name, text in HOSTILE.items()
    ]
    print(f"{'texts':<22}{'count':>6}{'detect ms':>12}{'baseline ms':>13}{'ratio':>8}")
    for name, texts in rows:
        detect = _best(functools.partial(_each, find_secrets, texts), args.repeat)
        base = _best(functools.partial(_each, _WORDS.findall, texts), args.repeat)
        print(
            f"{name:<22}{len(texts):>6}{detect * 1000:>12.1f}{base * 1000:>13.2f}"
            f"{detect / base:>8.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

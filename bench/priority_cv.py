"""Writer-held-out cross-validation of priority and scope: the rules, the learned model
and their combination, on labelled tickets none of them was fitted to.

    .venv/bin/python bench/priority_cv.py

The examples (``search/deflect/examples/tickets.jsonl``) come from five blind writers
(EA, EB, EC; FA and FB of the second blind set's tuning half) and the dev set (DT). Each
fold holds one writer out: the model is fitted on the other writers' tickets and scored
on the held-out writer and on the dev set (never fitted on either). Columns:

- **rules now**: ``policy.yml`` as shipped, rules alone. It was tuned on every one of
  these tickets, so its figures here are in-sample: an upper bound, not a held-out score.
- **rules before**: the rules as they were before anyone read the held-out writer's
  tickets (from git history: EA and EB before the blind set was read, EC before its
  tickets were read), with today's matcher. That is the rules' held-out figure. The dev
  set was tuned on from the start: no version of the rules is held out on it.
- **model**: :class:`search.deflect.model.TicketModel` fitted on the fold, alone (scope:
  the model's best exclusion at the policy's ``scope_margin``).
- **combined**: what ships (:func:`search.deflect.suggest.decide` with the policy's
  ``learned:`` switches): the model's level, unless a rule marked ``overrides_learned``
  matches at a higher one; for scope an exclusion rule that matches, else the model.
  Scored with the rules the fold had not seen ("rules before"), combined as today.
- **critical cue**: the model, except that a critical rule's cue wins.

Figures: priority exact / acceptable; scope precision / recall (out of scope found).
The ``holdout-*`` tickets are not read here.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from search.deflect.model import TicketModel, load_examples, masked_text  # noqa: E402
from search.deflect.policy import Learned, Policy, _parse, default_policy  # noqa: E402
from search.deflect.suggest import _ticket_text, decide  # noqa: E402
from search.evaluation import PolicyScores  # noqa: E402

WRITERS = ("EA", "EB", "EC", "FA", "FB", "HB", "HC", "HF", "HG", "IA", "IB", "JA", "JB")
DEV = "DT"
#: The rules before each writer's tickets were read: (commit, path of policy.yml then).
#: 2f52215 is the last policy before the blind set's priority tuning (its scope rules
#: were tuned on the tuning half: EA and EB scope figures are in-sample there), so EA
#: and EB use 81f81cb, the policy before anything of the blind set was read.
RULES_BEFORE: dict[str, tuple[str, str]] = {
    "EA": ("81f81cb", "search/policy.yml"),
    "EB": ("81f81cb", "search/policy.yml"),
    "EC": ("85844a8", "search/deflect/policy.yml"),
    # The second blind set (tune-f) arrived after every rule above was written.
    "FA": ("c853170", "search/deflect/policy.yml"),
    "FB": ("c853170", "search/deflect/policy.yml"),
    # The third blind set (tune-h) was split after every rule above was written.
    "HB": ("eba8bfd", "search/deflect/policy.yml"),
    "HC": ("eba8bfd", "search/deflect/policy.yml"),
    "HF": ("eba8bfd", "search/deflect/policy.yml"),
    "HG": ("eba8bfd", "search/deflect/policy.yml"),
    # The fourth blind set (tune-i) arrived after every rule above was written.
    "IA": ("695e3d9", "search/deflect/policy.yml"),
    "IB": ("695e3d9", "search/deflect/policy.yml"),
    # The fifth (tune-j) too.
    "JA": ("caa82b4", "search/deflect/policy.yml"),
    "JB": ("caa82b4", "search/deflect/policy.yml"),
}


def writer(row: Mapping[str, Any]) -> str:
    return str(row["id"]).split("-", 1)[0]


def old_policy(commit: str, path: str) -> Policy:
    """A policy.yml from git history, read as the loader of its day did (PyYAML keeps
    the last of a key given twice; 85844a8 has one), with today's matcher."""
    text = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return _parse(yaml.safe_load(text), f"{commit}:{path}")


def _with_todays_switches(old: Policy, now: Policy, added: Sequence[str] = ()) -> Policy:
    """The rules as they were, combined with the model as today: today's ``learned:``
    switches, and ``overrides_learned`` on the rules of the names that carry it now (how
    rules and model combine is not a rule's text). ``added`` names rules of today's policy
    to add to the old ones (a new rule, scored on writers it was not written from only as
    far as its wording came from the priority guide rather than from their tickets)."""
    overriding = {r.name for r in now.priority_rules if r.overrides_learned}
    rules = [
        dataclasses.replace(r, overrides_learned=r.name in overriding) for r in old.priority_rules
    ]
    have = {r.name for r in rules}
    rules += [r for r in now.priority_rules if r.name in added and r.name not in have]
    return dataclasses.replace(old, learned=now.learned, priority_rules=tuple(rules))


class Tally(PolicyScores):
    """Priority and scope figures of one fold, as one table cell."""

    def cell(self) -> str:
        f = self.figures()
        return (
            f"{f['priority exact']:.3f}/{f['priority acceptable']:.3f} "
            f"{f['scope precision']:.2f}/{f['scope recall']:.2f}"
        )


Method = Callable[[str, TicketModel, Policy], tuple[str, bool]]


def _rules(text: str, model: TicketModel, policy: Policy) -> tuple[str, bool]:
    d = decide(text, dataclasses.replace(policy, learned=Learned()))
    return d.priority, d.exclusion is not None


def _model(text: str, model: TicketModel, policy: Policy) -> tuple[str, bool]:
    scope = model.scope(text)
    return model.priority(text).label, scope.margin >= policy.learned.scope_margin


def _combined(text: str, model: TicketModel, policy: Policy) -> tuple[str, bool]:
    d = decide(text, policy, model)
    return d.priority, d.exclusion is not None


def _critical_cue(text: str, model: TicketModel, policy: Policy) -> tuple[str, bool]:
    level, excluded = _combined(text, model, policy)
    rules = decide(text, dataclasses.replace(policy, learned=Learned()))
    return ("critical" if rules.priority == "critical" else level), excluded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--add-rule",
        action="append",
        default=[],
        metavar="NAME",
        help="add today's priority rule NAME to each fold's old rules (repeatable)",
    )
    args = parser.parse_args(argv)
    rows = load_examples()
    texts = {
        r["id"]: _ticket_text(*masked_text(r["subject"], r["body"]).partition("\n")[::2])
        for r in rows
    }
    now = default_policy()
    learned = now.learned
    print(f"{len(rows)} labelled tickets; learned: {learned}")
    methods: dict[str, tuple[Method, bool]] = {
        "rules now": (_rules, False),
        "rules before": (_rules, True),
        "model": (_model, False),
        "combined": (_combined, True),
        "critical cue": (_critical_cue, True),
    }
    header = f"{'fold: scored on':<24}" + "".join(f"{m:>25}" for m in methods)
    print("\npriority exact/acceptable, scope precision/recall\n" + header)
    totals = {m: Tally() for m in methods}
    for held in WRITERS:
        train = [r for r in rows if writer(r) in WRITERS and writer(r) != held]
        started = time.perf_counter()
        model = TicketModel.from_examples(train)
        fitted = time.perf_counter() - started
        before = _with_todays_switches(old_policy(*RULES_BEFORE[held]), now, args.add_rule)
        for target in (held, DEV):
            tallies = {m: Tally() for m in methods}
            for row in (r for r in rows if writer(r) == target):
                for name, (method, frozen) in methods.items():
                    level, excluded = method(texts[row["id"]], model, before if frozen else now)
                    tallies[name].add_decision(row, level, excluded)
                    if target == held:
                        totals[name].add_decision(row, level, excluded)
            label = f"{held} out: {target}" + (" (tuned)" if target == DEV else "")
            print(f"{label:<24}" + "".join(f"{t.cell():>25}" for t in tallies.values()))
        print(f"{'':<24}(model fitted on {len(train)} tickets in {fitted:.2f} s)")
    print(f"{'writers held out, all':<24}" + "".join(f"{t.cell():>25}" for t in totals.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

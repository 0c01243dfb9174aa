"""Relevance and policy figures of our search and ticket deflection next to Material's own
engine and plain BM25: same site, same queries, one run.

    .venv/bin/python bench/relevance.py [--misses] [--skip-mkdocs] [--sets NAME,...]

Builds the real ``docs/`` (a full MkDocs build into a temporary directory, to get
Material's ``search/search_index.json``), indexes the same articles with our search, and
prints, for every labelled set:

- hit@1, hit@3, MRR@10 and empty answers of
  - **ours**: ``KnowledgeBase.query`` (queries), and for tickets ``suggest()``, what the
    widget and ``POST /api/suggest`` show;
  - **lunr**: Material's own search worker (the script the installed mkdocs-material
    ships, run in Node.js by ``bench/material_search.mjs``) over ``search_index.json``,
    sent each query as the search box sends it and, where the built site loads
    ``kb-search.js``, rewritten as that script rewrites it; pages in the order of its
    result groups: what a reader of the site on a static host gets;
  - **bm25s**: plain BM25 (``bm25s``, English stop words, no stemming) over each page's
    title + text;
- for tickets, how ``suggest()`` applies the policy: priority exact and acceptable (next
  to always answering "medium"), scope precision and recall, secret recall and
  false-alarm rate, and in-scope tickets left with no article.

The sets: the shared dev set (tuned on), ``bench/data``'s blind set (its tuning half, and
its untouched half that nobody read), and the earlier held-out queries. Tickets are
searched as ``subject + "\\n" + body`` by lunr (pasted into the search box, where the
line break becomes a space) and bm25s. The lunr column needs ``node`` (Node.js 18 or
newer) on ``PATH``; without it the bench stops and says so.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import search  # noqa: E402
from bench.material_search import (  # noqa: E402
    KB_SEARCH_JS,
    MaterialSearch,
    MaterialSearchError,
    node_command,
)
from search.deflect import suggest  # noqa: E402
from search.documents import Document  # noqa: E402
from search.evaluation import (  # noqa: E402
    PolicyScores,
    Scores,
    evaluate,
    evaluate_policy,
    load_labelled,
    query_text,
)

DEV_DIR = Path(os.environ.get("KB_DEV_DIR") or REPO.parent / "shared" / "dev")
"""The shared development set: ``$KB_DEV_DIR``, or ``shared/dev`` beside the repository."""
QUERIES = DEV_DIR / "queries.jsonl"
TICKETS = DEV_DIR / "tickets.jsonl"
#: Queries written without looking at the articles' keywords (tests/search/data).
HELDOUT = REPO / "tests" / "search" / "data" / "heldout_queries.jsonl"
BLIND = REPO / "bench" / "data"
#: name -> labelled file. "holdout-*" is the blind set's untouched half.
SETS: dict[str, Path] = {
    "dev queries": QUERIES,
    "dev tickets": TICKETS,
    "tune queries": BLIND / "tune-queries.jsonl",
    "tune tickets": BLIND / "tune-tickets.jsonl",
    "tune (EC) queries": BLIND / "tune-ec-queries.jsonl",
    "tune (EC) tickets": BLIND / "tune-ec-tickets.jsonl",
    "holdout queries": BLIND / "holdout-queries.jsonl",
    "holdout tickets": BLIND / "holdout-tickets.jsonl",
    "tune (F) queries": BLIND / "tune-f-queries.jsonl",
    "tune (F) tickets": BLIND / "tune-f-tickets.jsonl",
    "holdout (F) queries": BLIND / "holdout-f-queries.jsonl",
    "holdout (F) tickets": BLIND / "holdout-f-tickets.jsonl",
    "tune (H) queries": BLIND / "tune-h-queries.jsonl",
    "tune (H) tickets": BLIND / "tune-h-tickets.jsonl",
    "holdout (H) queries": BLIND / "holdout-h-queries.jsonl",
    "holdout (H) tickets": BLIND / "holdout-h-tickets.jsonl",
    # A writer of the third set whose items arrived after its split: never tuned on.
    "fresh (HD) queries": BLIND / "fresh-hd-queries.jsonl",
    "fresh (HD) tickets": BLIND / "fresh-hd-tickets.jsonl",
    "fresh (HE) queries": BLIND / "fresh-he-queries.jsonl",
    "fresh (HE) tickets": BLIND / "fresh-he-tickets.jsonl",
    "fresh (HA) queries": BLIND / "fresh-ha-queries.jsonl",
    "fresh (HA) tickets": BLIND / "fresh-ha-tickets.jsonl",
    # A fourth blind set (2026-12-03): writers IA and IB for tuning (with more out-of-scope
    # requests and secrets than the others), IC never read; IS wrote secrets only.
    "tune (I) queries": BLIND / "tune-i-queries.jsonl",
    "tune (I) tickets": BLIND / "tune-i-tickets.jsonl",
    "fresh (IC) queries": BLIND / "fresh-ic-queries.jsonl",
    "fresh (IC) tickets": BLIND / "fresh-ic-tickets.jsonl",
    # A fifth blind set (2026-12-03): writers JA and JB, tuning (breadth edge cases).
    "tune (J) queries": BLIND / "tune-j-queries.jsonl",
    "tune (J) tickets": BLIND / "tune-j-tickets.jsonl",
    # A sixth blind set (2026-12-03, `brief-k.md`): KC for tuning, KD never read.
    "tune (K) queries": BLIND / "tune-k-queries.jsonl",
    "tune (K) tickets": BLIND / "tune-k-tickets.jsonl",
    "fresh (KD) queries": BLIND / "fresh-kd-queries.jsonl",
    "fresh (KD) tickets": BLIND / "fresh-kd-tickets.jsonl",
    "held-out queries (2nd session)": HELDOUT,
    # Secrets only (texts with the values marked, and look-alikes): the detector alone.
    "tune (G) secrets": BLIND / "tune-g-secrets.jsonl",
    "tune (I) secrets": BLIND / "tune-i-secrets.jsonl",
    "tune (J) secrets": BLIND / "tune-j-secrets.jsonl",
    "tune (K) secrets": BLIND / "tune-k-secrets.jsonl",
    "fresh (KB) secrets": BLIND / "fresh-kb-secrets.jsonl",
}


def load_documents(docs_dir: Path, config_file: Path) -> list[Document]:
    """The published articles of ``docs_dir``, as the kb plugin gives them to search."""
    from kb_builder.core.articles import load_articles, to_documents

    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    return to_documents(load_articles(docs_dir), config.get("extra") or {})


def _has_feature(config_file: Path, feature: str) -> bool:
    """Whether the site's ``theme.features`` names ``feature`` (as Material's bundle reads
    it for the worker's SETUP)."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    theme = config.get("theme")
    return isinstance(theme, dict) and feature in (theme.get("features") or [])


def build_site(config_file: Path, workdir: Path) -> Path:
    """Build the site with MkDocs into ``workdir``; returns its ``search_index.json``.

    The kb plugin writes its own index into ``workdir`` too, never into the repository.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    def run(**overrides: Any) -> None:
        config = load_config(str(config_file), site_dir=str(workdir / "site"), **overrides)
        kb_plugin = config.plugins.get("kb")
        if kb_plugin is not None:
            kb_plugin.config.index_dir = str(workdir / "kb-index")
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()

    try:
        run()
    except (MkDocsException, SystemExit) as e:
        # Articles being written may fail the kb plugin's checks; Material's index
        # does not depend on them.
        print(f"full MkDocs build failed ({e}); building with Material's search plugin only")
        run(plugins=["search"], strict=False)
    return workdir / "site" / "search" / "search_index.json"


class Engine:
    """A search engine under test: ``search(text) -> ranked article paths``."""

    name = ""

    def search(self, text: str, limit: int = 10) -> list[str]:
        raise NotImplementedError


class Ours(Engine):
    name = "ours"

    def __init__(self, kb: search.KnowledgeBase) -> None:
        self.kb = kb

    def search(self, text: str, limit: int = 10) -> list[str]:
        return self.kb.query(text, limit=limit).paths


class OursSuggest(Ours):
    """What a customer typing a ticket sees: ``suggest()``'s articles."""

    name = "ours (suggest)"

    def search_row(self, row: Mapping[str, Any], limit: int = 10) -> list[str]:
        found = suggest(row.get("subject", ""), row.get("body", ""), kb=self.kb)
        return [a.path for a in found.articles][:limit]


def _page_url_to_path(documents: Sequence[Document]) -> dict[str, str]:
    return {d.url.strip("/"): d.path for d in documents}


class Lunr(Engine):
    """Material's search as a static host serves it: Material's own search worker (the
    script the installed mkdocs-material ships) run in Node.js over the built
    ``search_index.json`` (``bench/material_search.py``), fed each query as the search box
    sends it. Its results come one group per page; a page ranks where its group does."""

    name = "lunr (Material)"

    def __init__(self, index_file: Path, documents: Sequence[Document], *, suggest: bool) -> None:
        self.url_to_path = _page_url_to_path(documents)
        # The site's pages load kb-search.js (the kb plugin's widgets): its queries to the
        # worker are rewritten; a site built with `widgets: false` sends them unchanged.
        home = (index_file.parent.parent / "index.html").read_text(encoding="utf-8")
        self.rewritten = "assets/kb/kb-search.js" in home
        self.material = MaterialSearch(
            index_file, suggest=suggest, rewrite=KB_SEARCH_JS if self.rewritten else None
        )

    def search(self, text: str, limit: int = 10) -> list[str]:
        out: list[str] = []
        for page in self.material.pages(text):
            path = self.url_to_path.get(page.strip("/"))
            if path is not None:
                out.append(path)
            if len(out) >= limit:
                break
        return out

    def close(self) -> None:
        self.material.close()


class BM25(Engine):
    """Plain BM25 (``bm25s``) over each article's title + text."""

    name = "bm25s"

    def __init__(self, documents: Sequence[Document]) -> None:
        import bm25s

        self.bm25s = bm25s
        self.paths = [d.path for d in documents]
        corpus = [f"{d.title}\n{d.body}" for d in documents]
        self.retriever = bm25s.BM25()
        self.retriever.index(
            bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False
        )

    def search(self, text: str, limit: int = 10) -> list[str]:
        tokens = self.bm25s.tokenize([text], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return []
        k = min(limit, len(self.paths))
        try:
            docs, scores = self.retriever.retrieve(tokens, k=k, show_progress=False)
        except (ValueError, KeyError):
            return []
        return [self.paths[i] for i, s in zip(docs[0], scores[0], strict=True) if s > 0]


def _row_search(engine: Engine) -> Callable[[Mapping[str, Any]], list[str]]:
    if isinstance(engine, OursSuggest):
        return lambda row: (
            engine.search_row(row) if "subject" in row else engine.search(query_text(row))
        )
    return lambda row: engine.search(query_text(row))


def _print_table(title: str, results: dict[str, Scores]) -> None:
    print(f"\n{title}")
    print(f"{'engine':<22} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'empty':>6}")
    for name, s in results.items():
        empty = sum(1 for j in s.judged if not j.got)
        print(f"{name:<22} {s.hit1:>6.3f} {s.hit3:>6.3f} {s.mrr:>6.3f} {empty:>6}")


def _print_policy(rows: Sequence[Mapping[str, Any]], scores: PolicyScores) -> None:
    constant = sum(1 for r in rows if r["priority"] == "medium") / max(len(rows), 1)
    acceptable = sum(1 for r in rows if "medium" in r.get("priority_acceptable", [])) / max(
        len(rows), 1
    )
    f = scores.figures()
    print(
        f"{'policy (suggest)':<22} priority exact {f['priority exact']:.3f} "
        f"acceptable {f['priority acceptable']:.3f} "
        f"(always 'medium': {constant:.3f} / {acceptable:.3f})"
    )
    print(
        f"{'':<22} scope precision {f['scope precision']:.3f} recall {f['scope recall']:.3f} "
        f"({scores.scope_correct} of {scores.scope_expected} found, "
        f"{scores.scope_flagged - scores.scope_correct} false)"
    )
    print(
        f"{'':<22} secrets recall {f['secret recall']:.3f} ({scores.secret_found}/"
        f"{scores.with_secret}), false alarms {f['secret false alarms']:.3f} "
        f"({scores.false_alarms}/{scores.without_secret}); "
        f"in-scope tickets with no article: {scores.empty_in_scope}"
    )


def _print_secrets(title: str, path: Path) -> None:
    """The secret detector on a secrets-only set: texts found, values left in the masked
    text, look-alikes flagged."""
    import json

    from kb_text.secrets import find_secrets, mask_secrets

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    with_secret = [r for r in rows if r["contains_secret"]]
    found = [r for r in with_secret if find_secrets(r["text"])]
    values = [(r, v) for r in found for v in r.get("secret_values") or ()]
    leaked = [1 for r, v in values if v in mask_secrets(r["text"])]
    alarms = [r for r in rows if not r["contains_secret"] and find_secrets(r["text"])]
    print(f"\n{title}")
    print(
        f"{'detector':<22} secrets recall {len(found) / max(len(with_secret), 1):.3f} "
        f"({len(found)}/{len(with_secret)} texts), values masked "
        f"{len(values) - len(leaked)}/{len(values)}, false alarms "
        f"{len(alarms) / max(len(rows) - len(with_secret), 1):.3f} "
        f"({len(alarms)}/{len(rows) - len(with_secret)})"
    )


#: Sets whose items nobody reads: --misses never lists them.
UNTOUCHED = ("holdout", "fresh", "held-out")


def _run_sets(
    labels: Sequence[str], engines: Sequence[Engine], kb: search.KnowledgeBase, *, misses: bool
) -> None:
    """Scores every engine on each labelled set and prints the tables."""
    for label in labels:
        path = SETS[label]
        if label.endswith(" secrets"):
            _print_secrets(f"{label} ({path.relative_to(REPO.parent)})", path)
            continue
        rows = load_labelled(path)
        tickets = "subject" in rows[0]
        results: dict[str, Scores] = {}
        lunr = next((e for e in engines if isinstance(e, Lunr)), None)
        rejected = lunr.material.rejected if lunr else 0
        for engine in engines:
            if isinstance(engine, OursSuggest) != tickets and isinstance(engine, Ours):
                continue
            results[engine.name] = evaluate(rows, _row_search(engine))
        _print_table(f"{label} ({len(rows)}, {path.relative_to(REPO.parent)})", results)
        if lunr is not None and lunr.material.rejected > rejected:
            print(
                f"{'':<22} lunr's parser rejected {lunr.material.rejected - rejected} of these "
                "(Material shows no result for them)"
            )
        if tickets:
            _print_policy(rows, evaluate_policy(rows, lambda s, b: suggest(s, b, kb=kb)))
        if misses and not label.startswith(UNTOUCHED):
            ours = results["ours (suggest)" if tickets else "ours"]
            for j in ours.misses():
                print(f"  miss {j.id}: rank {j.rank} want {j.expected[0]} got {list(j.got[:3])}")
                print(f"      {j.text[:110]!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=REPO / "docs")
    parser.add_argument("--config", type=Path, default=REPO / "mkdocs.yml")
    parser.add_argument(
        "--misses", action="store_true", help="list our queries without a top-3 hit"
    )
    parser.add_argument(
        "--skip-mkdocs", action="store_true", help="no MkDocs build, no lunr column"
    )
    parser.add_argument(
        "--without-keywords",
        action="store_true",
        help="index the articles without their 'keywords' front matter (a held-out check: "
        "many dev queries are written into the keywords verbatim)",
    )
    parser.add_argument(
        "--sets",
        type=lambda v: [x.strip() for x in v.split(",") if x.strip()],
        default=list(SETS),
        help=f"comma-separated, of: {', '.join(SETS)}",
    )
    args = parser.parse_args(argv)
    unknown = [x for x in args.sets if x not in SETS]
    if unknown:
        parser.error(f"unknown set(s) {unknown}: expected some of {', '.join(SETS)}")

    documents = load_documents(args.docs, args.config)
    if args.without_keywords:
        documents = [dataclasses.replace(d, keywords=()) for d in documents]
        args.skip_mkdocs = True
    print(f"{len(documents)} articles in {args.docs}")
    if not args.skip_mkdocs:
        try:
            node_command()
        except MaterialSearchError as e:
            print(f"relevance.py: {e}", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="kb-relevance-") as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        search.build_index(documents, workdir / "index")
        kb = search.open_index(workdir / "index")
        print(f"our index built in {time.perf_counter() - started:.2f} s")
        engines: list[Engine] = [Ours(kb), OursSuggest(kb)]
        lunr: Lunr | None = None
        if not args.skip_mkdocs:
            started = time.perf_counter()
            index_file = build_site(args.config, workdir)
            print(f"MkDocs build in {time.perf_counter() - started:.2f} s")
            started = time.perf_counter()
            lunr = Lunr(index_file, documents, suggest=_has_feature(args.config, "search.suggest"))
            engines.append(lunr)
            print(
                f"Material's search worker ({lunr.material.worker.name}, Node.js) ready in "
                f"{time.perf_counter() - started:.2f} s; queries "
                + ("rewritten as kb-search.js does" if lunr.rewritten else "as typed")
            )
        engines.append(BM25(documents))
        try:
            _run_sets(args.sets, engines, kb, misses=args.misses)
        finally:
            if lunr is not None:
                lunr.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Editing one article under ``kb serve``: from the save to the new text on the page and
in search, against the full build ``kb serve`` starts with (same run).

    .venv/bin/python bench/edit.py [--articles 2000] [--edits 8] [--workdir DIR]

Writes a synthetic knowledge base (``bench/synth.py``, as ``bench/serve.py`` does; kept
and reused with ``--workdir``), starts ``kb serve`` on a free port and waits for its first
build. Then, ``--edits`` times, a few seconds apart: appends a sentence with a word no
article has to one article (a different one each time) and polls, every ``--poll``
seconds (0.1), the article's page and ``GET /api/search?q=<word>`` until each shows it.
(Polling much faster loads the server the test measures: every poll is a page or a
search that the same interpreter must answer while it rebuilds.) Prints each edit's
times, their median and maximum, and the ratio to the first build.

Target (the issue): page and index updated in under 2 s at 2,000 articles.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import write_kb
from bench.suggest_speed import free_port

TARGET_SECONDS = 2.0


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
        return body


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 900) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"kb serve exited with {proc.returncode}")
        try:
            _get(url + "api/health")
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    raise SystemExit("kb serve did not answer in time")


def edit_once(base: str, article: Path, url: str, word: str, *, poll: float) -> tuple[float, float]:
    """Seconds until the page, and until search, show ``word`` appended to ``article``."""
    article.write_text(article.read_text() + f"\n\nA new line about {word}.\n")
    started = time.perf_counter()
    page = index = None
    while time.perf_counter() - started < 60 and (page is None or index is None):
        try:
            if page is None and word.encode() in _get(base + url):
                page = time.perf_counter() - started
            if index is None:
                data = json.loads(_get(f"{base}api/search?q={word.lower()}"))
                if data["results"]:
                    index = time.perf_counter() - started
        except OSError:
            pass
        time.sleep(poll)
    if page is None or index is None:
        raise SystemExit(f"{word} did not show within 60 s (page {page}, index {index})")
    return page, index


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=8)
    parser.add_argument("--pause", type=float, default=3.0, help="seconds between edits")
    parser.add_argument("--poll", type=float, default=0.1, help="seconds between polls")
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the knowledge base here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kb-bench-edit-"))
    workdir.mkdir(parents=True, exist_ok=True)
    stamp = workdir / "articles.txt"
    if not (stamp.exists() and stamp.read_text() == str(args.articles)):
        write_kb(workdir, args.articles)
        stamp.write_text(str(args.articles))
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_RATE_LIMIT": "0/minute"}
    log = (workdir / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb_builder.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        first = wait_up(base, proc)
        print(
            f"{args.articles:,} articles; kb serve's first build: {first:.1f} s; "
            f"polling every {args.poll:g} s"
        )
        articles = sorted((workdir / "docs" / "email").glob("*.md"))
        articles = [a for a in articles if a.name != "index.md"]
        pages, indexes = [], []
        for i in range(args.edits):
            time.sleep(args.pause)
            article = articles[(i * 7) % len(articles)]
            word = f"Zebrafish{int(time.time())}x{i}"
            url = f"email/{article.stem}/"
            page, index = edit_once(base, article, url, word, poll=args.poll)
            pages.append(page)
            indexes.append(index)
            print(f"  edit {i + 1}: page {page:.2f} s, search {index:.2f} s")
        for label, values in (("page", pages), ("search", indexes)):
            print(
                f"{label:>6}: median {statistics.median(values):.2f} s, "
                f"max {max(values):.2f} s (x {max(values) / first:.3f} of the first build); "
                f"target < {TARGET_SECONDS:.0f} s: "
                + ("met" if max(values) < TARGET_SECONDS else "MISSED")
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

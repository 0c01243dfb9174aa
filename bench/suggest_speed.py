"""Ticket-deflection latency, in-process and over HTTP, with ratios against baselines
measured in the same run.

    .venv/bin/python bench/suggest_speed.py [--articles 2000] [--seconds 8] [--concurrency 8]

- In-process: ``search.deflect.suggest`` on ticket-like texts (the dev tickets' subjects
  crossed with other tickets' bodies, so that no two texts are the same and the index's
  result cache never answers), against the baseline ``KnowledgeBase.query_ticket`` alone.
  Targets: p50 <= 10 ms, p99 <= 30 ms.
- HTTP: ``POST /api/suggest`` on ``uvicorn --factory kb_api:create_app`` with 1 and 2
  workers, against the baseline ``GET /api/health`` on the same server. Target: >= 200
  requests/s with p99 <= 50 ms.

The knowledge base is ``bench/synth.py``'s synthetic one (``--articles``), or the
repository's docs with ``--articles 0``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

import search  # noqa: E402
from search.deflect import suggest  # noqa: E402
from search.documents import Document  # noqa: E402

TICKETS = Path(os.environ.get("KB_DEV_TICKETS", REPO.parent / "shared" / "dev" / "tickets.jsonl"))


def tickets(count: int, seed: int = 0) -> list[tuple[str, str]]:
    """Distinct ticket texts: each dev ticket's subject with another ticket's body."""
    rows = [
        json.loads(line)
        for line in TICKETS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    pairs = [(a["subject"], b["body"]) for a in rows for b in rows]
    random.Random(seed).shuffle(pairs)
    return pairs[:count]


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[str, str], object], texts: Sequence[tuple[str, str]]) -> list[float]:
    out = []
    for subject, body in texts:
        start = time.perf_counter()
        fn(subject, body)
        out.append((time.perf_counter() - start) * 1000)
    return out


def build(articles: int, workdir: Path) -> Path:
    index_dir = workdir / "index"
    documents: list[Document]
    if articles:
        from bench.synth import synthetic_documents

        documents = synthetic_documents(articles)
    else:
        import yaml

        from kb_builder.core.articles import load_articles, to_documents

        extra = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8")).get("extra", {})
        documents = to_documents(load_articles(REPO / "docs"), extra)
    search.build_index(documents, index_dir)
    return index_dir


def in_process(index_dir: Path, count: int) -> None:
    kb = search.open_index(index_dir)
    texts = tickets(count + 50)
    warm, texts = texts[:50], texts[50:]
    timed(lambda s, b: suggest(s, b, kb=kb), warm)
    half = len(texts) // 2
    base = timed(lambda s, b: kb.query_ticket(s, b, limit=8), texts[:half])
    ours = timed(lambda s, b: suggest(s, b, kb=kb), texts[half:])
    print(f"in-process, {len(ours)} distinct tickets:")
    print(f"  baseline query_ticket  p50 {pct(base, 50):6.1f} ms  p99 {pct(base, 99):6.1f} ms")
    print(
        f"  suggest                p50 {pct(ours, 50):6.1f} ms  p99 {pct(ours, 99):6.1f} ms"
        f"   (target p50 <= 10, p99 <= 30)"
    )
    print(
        f"  ratio suggest/baseline p50 {pct(ours, 50) / pct(base, 50):6.2f}x    p99 {pct(ours, 99) / pct(base, 99):6.2f}x"  # noqa: E501
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(
    url: str,
    request: Callable[[httpx.Client, int], httpx.Response],
    seconds: float,
    concurrency: int,
) -> tuple[float, float, float]:
    """Requests/s, p50 and p99 (ms) of ``request`` run by ``concurrency`` threads."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(n: int) -> None:
        nonlocal errors
        i = n
        with httpx.Client(base_url=url, timeout=10) as client:
            while time.monotonic() < stop:
                start = time.perf_counter()
                response = request(client, i)
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors += response.status_code != 200
                i += concurrency

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  ({errors} non-200 answers)")
    return len(latencies) / (time.monotonic() - started), pct(latencies, 50), pct(latencies, 99)


def over_http(index_dir: Path, workers: int, seconds: float, concurrency: int) -> None:
    port = free_port()
    env = {**os.environ, "KB_INDEX_DIR": str(index_dir), "KB_RATE_LIMIT": "0/minute"}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "kb_api:create_app",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = subprocess.Popen(command, cwd=REPO, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API did not start")
            time.sleep(0.2)
        texts = tickets(3000, seed=workers)

        def post(client: httpx.Client, i: int) -> httpx.Response:
            subject, body = texts[i % len(texts)]
            return client.post("/api/suggest", json={"subject": subject, "body": body[:9000]})

        load(url, post, 1.0, concurrency)  # warm every worker's index handle
        base = load(url, lambda c, i: c.get("/api/health"), seconds / 2, concurrency)
        ours = load(url, post, seconds, concurrency)
        print(f"HTTP, {workers} worker(s), {concurrency} concurrent clients:")
        print(
            f"  baseline GET /api/health   {base[0]:7.0f} req/s  p50 {base[1]:5.1f} ms  p99 {base[2]:5.1f} ms"  # noqa: E501
        )
        print(
            f"  POST /api/suggest          {ours[0]:7.0f} req/s  p50 {ours[1]:5.1f} ms  p99 {ours[2]:5.1f} ms"  # noqa: E501
            "   (target >= 200 req/s, p99 <= 50 ms)"
        )
        print(f"  ratio suggest/baseline     {ours[0] / base[0]:7.2f}x throughput")
    finally:
        server.terminate()
        server.wait(timeout=20)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--articles", type=int, default=2000, help="synthetic articles (0: the repository's docs)"
    )
    parser.add_argument("--tickets", type=int, default=600, help="tickets for the in-process run")
    parser.add_argument("--seconds", type=float, default=8.0, help="duration of each HTTP run")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        index_dir = build(args.articles, Path(tmp))
        kind = f"{args.articles} synthetic articles" if args.articles else "the repository's docs"
        print(
            f"index of {kind} built in {time.perf_counter() - start:.1f} s; CPUs: {os.cpu_count()}"
        )
        in_process(index_dir, args.tickets)
        for workers in args.workers:
            over_http(index_dir, workers, args.seconds, args.concurrency)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

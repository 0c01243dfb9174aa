"""Build time and site size of ``kb build`` against plain MkDocs, same corpus, same run.

    .venv/bin/python bench/build.py [--sizes 200 2000 5000] [--full-nav-max 2000] [--repeat 3]

For each size N, writes a synthetic knowledge base (``bench/synth.py``) and times, each in
its own process:

(a) **floor**: plain ``mkdocs build`` with Material and its built-in search, the nav listing
    only the section landing pages, our plugin off;
(b) **Material default**: the same with every article in the nav (skipped above
    ``--full-nav-max``: it grows with the square of N);
(c) **kb build**: our plugin on (checks, listings, related articles, Whoosh index);
(c2) **kb rebuild**: ``kb build`` again with nothing changed (the index is reused);
(d) **kb edit**: one article edited, then ``kb build``.

It prints wall time, peak memory and site size for each, and the ratios (c)/(a) and
(c)/(b). With ``--repeat K``, (a) and a cold (c) (no index to reuse) run K times in
alternation and the median of the K ratios is printed too: single builds move by
±20 % on a shared machine.
Targets (the issue): (c) <= 1.3 x (a) at 2,000 and 5,000 articles, and linear in N.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import write_synthetic_docs

SECTIONS = ("whm", "cpanel", "email", "hosting", "security", "support")


@dataclass
class Run:
    label: str
    seconds: float
    peak_mb: float
    site_mb: float


def _config(docs: Path, *, plugin: bool, full_nav: bool) -> dict[str, object]:
    nav: list[object] = ["index.md", *[f"{s}/index.md" for s in SECTIONS]]
    if full_nav:
        nav = ["index.md"]
        for s in SECTIONS:
            pages = sorted(p.relative_to(docs).as_posix() for p in (docs / s).glob("*.md"))
            nav.append({s: pages})
    plugins: list[object] = ["search", "tags"]
    if plugin:
        plugins.append("kb")
    return {
        "site_name": "Benchmark KB",
        "docs_dir": str(docs),
        "theme": {"name": "material", "font": False},
        "nav": nav,
        "plugins": plugins,
        "markdown_extensions": ["admonition", "attr_list", "tables", {"toc": {"permalink": True}}],
        "extra": {
            "company": "Example Hosting",
            "support_email": "support@example.com",
            "feedback_email": "feedback@example.com",
            "client_area": "the Client Area",
        },
    }


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _timed(label: str, args: list[str], cwd: Path, site: Path) -> Run:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed ({proc.returncode}):\n{stderr[-3000:]}")
    # ru_maxrss is in kB on Linux; the largest process of the build (the index worker
    # is a child of the builder, counted separately).
    return Run(label, seconds, usage.ru_maxrss / 1024, _size_mb(site))


def bench_size(
    n: int, workdir: Path, *, full_nav_max: int
) -> tuple[list[Run], list[str], list[str]]:
    root = workdir / f"n{n}"
    docs = root / "docs"
    write_synthetic_docs(docs, n, seed=n)
    runs = []
    commands: dict[str, list[str]] = {}
    for label, plugin, full_nav in (
        ("(a) floor", False, False),
        ("(b) Material default", False, True),
        ("(c) kb build", True, False),
    ):
        if full_nav and n > full_nav_max:
            continue
        name = label.split()[0].strip("()")
        config = root / f"mkdocs-{name}.yml"
        config.write_text(yaml.safe_dump(_config(docs, plugin=plugin, full_nav=full_nav)))
        site = root / f"site-{name}"
        if plugin:
            args = [
                sys.executable,
                "-m",
                "kb_builder.cli",
                "build",
                "-f",
                str(config),
                "-d",
                str(site),
            ]
        else:
            args = [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "-q",
                "-f",
                str(config),
                "-d",
                str(site),
            ]
        commands[name] = args
        runs.append(_timed(label, args, root, site))
        if plugin:
            runs.append(_timed("(c2) kb rebuild, unchanged", args, root, site))
            first = sorted((docs / "email").glob("*.md"))[1]
            first.write_text(first.read_text() + "\nOne more sentence about mail.\n")
            runs.append(_timed("(d) kb build, one article edited", args, root, site))
    return runs, commands["a"], commands["c"]


def repeat_pairs(n: int, workdir: Path, floor: list[str], ours: list[str], k: int) -> list[float]:
    """(c)/(a) of ``k`` more pairs of builds, (a) then a cold (c), in alternation."""
    root = workdir / f"n{n}"
    ratios = []
    for _ in range(k):
        a = _timed("(a) floor", floor, root, root / "site-a")
        shutil.rmtree(root / ".kb", ignore_errors=True)  # nothing to reuse: a first build
        c = _timed("(c) kb build", ours, root, root / "site-c")
        ratios.append(c.seconds / a.seconds)
        print(f"  pair: floor {a.seconds:.2f} s, kb build {c.seconds:.2f} s: x {ratios[-1]:.2f}")
    return ratios


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 5000])
    parser.add_argument(
        "--full-nav-max",
        type=int,
        default=2000,
        help="largest N for (b), whose cost grows with N squared",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument(
        "--repeat", type=int, default=1, help="pairs of (a) and cold (c) builds, median ratio"
    )
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="kb-bench-build-"))
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; work dir {workdir}")
    results: dict[int, list[Run]] = {}
    try:
        for n in args.sizes:
            runs, floor_args, kb_args = bench_size(n, workdir, full_nav_max=args.full_nav_max)
            results[n] = runs
            floor = runs[0]
            print(f"\nN = {n:,} articles")
            print(f"  {'build':<34}{'seconds':>9}{'x floor':>9}{'peak MB':>9}{'site MB':>9}")
            for run in runs:
                print(
                    f"  {run.label:<34}{run.seconds:9.2f}{run.seconds / floor.seconds:9.2f}"
                    f"{run.peak_mb:9.0f}{run.site_mb:9.1f}"
                )
            if args.repeat > 1:
                ours = next(r for r in runs if r.label.startswith("(c)"))
                ratios = [ours.seconds / floor.seconds]
                ratios += repeat_pairs(n, workdir, floor_args, kb_args, args.repeat - 1)
                median = statistics.median(ratios)
                print(
                    f"  (c) / (a) over {len(ratios)} pairs: median x {median:.2f}"
                    f" (min {min(ratios):.2f}, max {max(ratios):.2f}; target <= 1.30)"
                )
        print("\nLinearity of (c): seconds per 1,000 articles")
        for n, runs in results.items():
            ours = next(r for r in runs if r.label.startswith("(c)"))
            print(f"  N = {n:>6,}: {ours.seconds / n * 1000:6.2f} s")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

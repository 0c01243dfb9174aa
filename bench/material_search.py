"""Material for MkDocs' own search, as a static host serves it: the search worker that the
installed ``mkdocs-material`` ships, run in Node.js by ``bench/material_search.mjs`` over a
built site's ``search/search_index.json``.

    with MaterialSearch(site / "search" / "search_index.json") as material:
        material.pages("mail comes back")   # -> ["email/bounces/", ...]

The worker gets Material's own messages (SETUP with the index, then one QUERY per search)
and the query exactly as the search box sends it; its RESULT is one group of entries per
page, best first. One Node process answers every query of a run.

On a site the kb plugin built, ``kb-search.js`` stands between Material's bundle and its
worker and rewrites each query (``exactWordsFirst``: an exact word outweighs the prefix
forms the worker adds). ``MaterialSearch(..., rewrite=KB_SEARCH_JS)`` does the same with
that script's own function, so the bench measures what a static host's reader gets;
without ``rewrite`` it is Material's search as Material ships it.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NoReturn

__all__ = [
    "KB_SEARCH_JS",
    "MIN_NODE",
    "SHIM",
    "MaterialSearch",
    "MaterialSearchError",
    "material_worker",
    "node_command",
    "pages",
    "search_box_value",
]

SHIM = Path(__file__).resolve().with_name("material_search.mjs")
"""The Node script that gives Material's worker a web worker's globals and talks to it."""
KB_SEARCH_JS = Path(__file__).resolve().parents[1] / "kb_builder" / "assets" / "kb-search.js"
"""The script whose ``exactWordsFirst`` rewrites a static site's queries to the worker."""
MIN_NODE = 18
"""Oldest Node.js major version the shim runs on (``structuredClone``, ``util.parseArgs``);
tested on 20."""


class MaterialSearchError(RuntimeError):
    """Material's worker cannot be run here, or it answered outside its protocol."""


def node_command(node: str | None = None) -> str:
    """The path of ``node`` (``node`` on ``PATH`` unless given), checked to be new enough."""
    found = shutil.which(node or "node")
    if found is None:
        raise MaterialSearchError(
            "Material's search (the lunr column) runs Material's own search worker in "
            f"Node.js {MIN_NODE} or newer, and there is no `node` on PATH: install Node.js "
            "(e.g. `apt-get install nodejs`), or pass --skip-mkdocs for no lunr column"
        )
    version = subprocess.run(
        [found, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    match = re.fullmatch(r"v(\d+)\.\d+\.\d+.*", version)
    if match is None or int(match[1]) < MIN_NODE:
        raise MaterialSearchError(
            f"{found}: expected Node.js {MIN_NODE} or newer, got {version or 'no version'!r}"
        )
    return found


def material_worker() -> Path:
    """The search worker script of the installed mkdocs-material package."""
    import material

    workers = Path(material.__file__).resolve().parent / "templates/assets/javascripts/workers"
    found = sorted(workers.glob("search.*.min.js"))
    if len(found) != 1:
        raise MaterialSearchError(
            f"{workers}: expected one search.*.min.js (Material's search worker), "
            f"found {[p.name for p in found]}"
        )
    return found[0]


def search_box_value(text: str) -> str:
    """``text`` as Material's search box holds it and posts it to the worker.

    The box is an ``<input type="text">``: it holds no line breaks, and a pasted ticket's
    become spaces (what browsers do on paste). Material posts the value as it is; the
    worker itself trims it, splits it and appends ``*`` to each term.
    """
    return re.sub(r"\r\n|[\r\n]", " ", text)


def pages(items: Sequence[Sequence[str]]) -> list[str]:
    """The page of each result group, in order: ``email/quota/#fix`` -> ``email/quota/``;
    a page's first occurrence wins."""
    out: list[str] = []
    for group in items:
        for location in group:
            page = location.split("#", 1)[0]
            if page not in out:
                out.append(page)
    return out


class MaterialSearch:
    """One Node process running Material's search worker over ``index_file``.

    ``suggest`` is what the site's ``search.suggest`` feature sends in SETUP (it adds
    suggestions to a result, not results). ``rewrite`` is a script exporting
    ``exactWordsFirst`` (``KB_SEARCH_JS``) that each query goes through first. Close it (or
    use it as a context manager).
    """

    def __init__(
        self,
        index_file: Path,
        *,
        worker: Path | None = None,
        suggest: bool = False,
        node: str | None = None,
        rewrite: Path | None = None,
    ) -> None:
        self.worker = worker or material_worker()
        self.rejected = 0
        """How many queries the worker warned about: lunr's parser rejected them and
        Material answered with no results (as the browser shows "No matching documents").
        The queries themselves are never shown."""
        command = [
            node_command(node),
            str(SHIM),
            "--worker",
            str(self.worker),
            "--index",
            str(index_file),
            *(["--suggest"] if suggest else []),
            *(["--rewrite", str(rewrite)] if rewrite is not None else []),
        ]
        # stderr goes to a file (a pipe nobody reads could fill up and block the worker),
        # kept open as long as the process: close() closes it.
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        ready = self._read()
        if ready != {"ready": True}:
            self._fail(f"expected {{'ready': True}} after SETUP, got {ready!r}")

    def search(self, text: str) -> list[list[str]]:
        """The worker's RESULT items for ``text`` as the search box sends it: one list of
        entry locations per page, best page first."""
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(search_box_value(text)) + "\n")
            self._proc.stdin.flush()
        except BrokenPipeError:
            self._fail("the Node process stopped")
        answer = self._read()
        if answer.get("warnings"):
            self.rejected += 1
        items = answer.get("items")
        if not isinstance(items, list):
            self._fail(f"expected a result with 'items', got keys {sorted(answer)}")
        return [[str(location) for location in group] for group in items]

    def pages(self, text: str) -> list[str]:
        """The pages Material lists for ``text``, best first."""
        return pages(self.search(text))

    def _read(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self._fail("the Node process stopped")
        answer = json.loads(line)
        if not isinstance(answer, dict):
            self._fail(f"expected a JSON object per line, got {type(answer).__name__}")
        return answer

    def _fail(self, why: str) -> NoReturn:
        self._stop()
        self._stderr.seek(0)
        detail = self._stderr.read().decode("utf-8", "replace").strip()
        self.close()
        raise MaterialSearchError(
            f"Material's search worker ({self.worker.name}) failed: {why}"
            + (f"\n{detail}" if detail else "")
            + f"\n(exit status {self._proc.returncode})"
        )

    def close(self) -> None:
        """Stop the Node process."""
        self._stop()
        self._stderr.close()

    def _stop(self) -> None:
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()

    def __enter__(self) -> MaterialSearch:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

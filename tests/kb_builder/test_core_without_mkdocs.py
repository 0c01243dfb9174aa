"""``kb check`` and the index build run from kb_builder.core with no MkDocs build running
(and MkDocs not even imported): the core must outlive the MkDocs plugin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
from pathlib import Path

import search
from kb_builder.core.articles import DEFAULT_SECTIONS
from kb_builder.core.site import Site

docs, index = Path(sys.argv[1]), Path(sys.argv[2])
site = Site.load(docs, sections=DEFAULT_SECTIONS, extra={"company": "x"})
problems = site.check()
documents = site.documents()
search.build_index(documents, index)
kb = search.open_index(index)
path = site.articles[0].rel_path
print(json.dumps({
    "mkdocs_imported": any(m == "mkdocs" or m.startswith("mkdocs.") for m in sys.modules),
    "articles": len(site.articles),
    "documents": len(documents),
    "indexed": kb.doc_count,
    "problem_kinds": sorted({type(p).__name__ for p in problems}),
    "related": kb.related(path, limit=3),
}))
"""


def test_check_and_index_build_run_from_the_core_without_mkdocs(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT / "docs"), str(tmp_path / "index")],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    data = json.loads(out.stdout)
    assert data["mkdocs_imported"] is False
    assert data["articles"] > 0
    assert data["indexed"] == data["documents"] > 0
    assert len(data["related"]) == 3

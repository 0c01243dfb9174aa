"""``kb check``, the index build, listings and related blocks run from kb_builder.core with
no MkDocs build running (and MkDocs not even imported): the core must outlive the plugin."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb_builder.core.listings import relative_url

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
from pathlib import Path

import search
from kb_builder.core.articles import DEFAULT_SECTIONS
from kb_builder.core.blocks import BlockLimits, load_popularity, page_blocks
from kb_builder.core.index import DocumentSource, index_site
from kb_builder.core.site import Site

docs, index = Path(sys.argv[1]), Path(sys.argv[2])
site = Site.load(docs, sections=DEFAULT_SECTIONS, extra={"company": "x"})
problems = site.check()
documents = site.documents()
search.build_index(documents, index)
kb = search.open_index(index)
path = site.articles[0].rel_path
related = index_site(
    DocumentSource(str(docs), DEFAULT_SECTIONS, {"company": "x"}), index.with_name("worker"),
    related_limit=2,
)
popularity = load_popularity(site, database_url=None)
quota = site.by_path["email/quota.md"]
article = page_blocks(
    quota, site, popularity, nearest=related["email/quota.md"], limits=BlockLimits(related_limit=2)
)
home = page_blocks(site.by_path["index.md"], site, popularity)
landing = page_blocks(site.by_path["email/index.md"], site, popularity)
print(json.dumps({
    "mkdocs_imported": any(m == "mkdocs" or m.startswith("mkdocs.") for m in sys.modules),
    "articles": len(site.articles),
    "documents": len(documents),
    "indexed": kb.doc_count,
    "problem_kinds": sorted({type(p).__name__ for p in problems}),
    "related": kb.related(path, limit=3),
    "worker_related": related["email/quota.md"],
    "article_blocks": article,
    "home_blocks": home,
    "landing_blocks": landing,
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
    # The index worker's related lists, and the blocks the plugin adds to pages.
    assert len(data["worker_related"]) == 2
    article = data["article_blocks"]
    related = article[article.index("Related articles") : article.index("More in Email")]
    # All four declared in email/quota.md's front matter, in order, although the limit is 2.
    assert re.findall(r'href="([^"]+)"', related) == [
        "../accounts/",
        "../not-receiving/",
        "../../hosting/disk-usage/",
        "../client-setup/",
    ]
    assert "Browse by topic" in data["home_blocks"] and "Recently updated" in data["home_blocks"]
    assert "articles in this section" in data["landing_blocks"]


@pytest.mark.parametrize(
    ("url", "from_url"),
    [
        ("email/quota/", "index.html"),
        ("email/quota/", "email/"),
        ("email/quota/", "email/other/"),
        ("hosting/disk/", "email/quota/"),
        (".", "email/quota/"),
        ("", ""),
        ("email/", "email/"),
        ("a/../b/", "c/./d/x.html"),
        ("../../up/", "/"),
        ("/email/quota/", "//abs/"),
    ],
)
def test_relative_url_links_as_mkdocs_does(url: str, from_url: str) -> None:
    """Listings link as MkDocs' own pages do, without importing MkDocs to do it."""
    from mkdocs.utils import get_relative_url

    assert relative_url(url, from_url) == get_relative_url(url, from_url)

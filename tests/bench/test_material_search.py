"""bench/material_search: Material's own search worker, run in Node.js by the relevance
bench, over a small built site's search_index.json. A Material upgrade that changes the
worker's messages or its results' shape fails here, not silently in the bench's figures."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import relevance
from bench.material_search import (
    KB_SEARCH_JS,
    MaterialSearch,
    MaterialSearchError,
    material_worker,
    pages,
)
from tests.conftest import article

ARTICLES = {
    "email/quota.md": article(
        "Mailbox quota",
        "Your mailbox is full.\n\n## Raising the limit\n\n"
        "Open Disk Usage in cPanel and raise the allocation.",
    ),
    "email/bounces.md": article(
        "Bounced email",
        "A message you sent was returned to you.",
        extra_front="keywords: [mail comes back]",
    ),
    "hosting/dns-records.md": article(
        "DNS records", "Point the domain at the server with an A record.", tags="dns"
    ),
}

#: query -> the worker's first result group (its entries' locations), as Material lists it.
FIRST_GROUP = {
    # The page (title) and its section (text): the page first, Material boosts it.
    "mailbox quota": ["email/quota/", "email/quota/#symptoms"],
    # Only a section matches: Material lists it first, then adds its page with score 0.
    "allocation": ["email/quota/#raising-the-limit", "email/quota/"],
    # The kb plugin's "keywords" field, which Material's worker indexes from config.fields.
    "mail comes back": ["email/bounces/"],
    "dns records": ["hosting/dns-records/", "hosting/dns-records/#symptoms"],
    # Two lines, as a pasted ticket: the search box holds them as one.
    "Raising the\nallocation": ["email/quota/#raising-the-limit", "email/quota/"],
}


@pytest.fixture(scope="module")
def index_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SiteFactory, minimal_sections

    site = SiteFactory(tmp_path_factory.mktemp("material-search"))
    site.write({**minimal_sections(), **ARTICLES})
    return site.build() / "search" / "search_index.json"


@pytest.fixture(scope="module")
def material_search(index_file: Path) -> Iterator[MaterialSearch]:
    with MaterialSearch(index_file, suggest=True) as m:
        yield m


@pytest.mark.parametrize("query", list(FIRST_GROUP))
def test_materials_worker_lists_the_expected_page_first(
    material_search: MaterialSearch, query: str
) -> None:
    items = material_search.search(query)
    assert items[0] == FIRST_GROUP[query]
    assert material_search.pages(query) == pages(items)
    assert len(set(pages(items))) == len(items)  # one group per page


def test_every_term_is_a_prefix_as_material_makes_it(material_search: MaterialSearch) -> None:
    # Material appends "*" to each term: "mail" also finds "mailbox" (the quota page).
    assert material_search.pages("mail comes back") == ["email/bounces/", "email/quota/"]
    assert material_search.pages("mailb") == ["email/quota/"]


def test_a_query_lunr_rejects_gets_no_result_and_is_counted(
    material_search: MaterialSearch,
) -> None:
    before = material_search.rejected
    # "Report-ID:" reads as a search in the field "ID", which the index does not have.
    assert material_search.search("Report-ID: 42") == []
    assert material_search.rejected == before + 1
    assert material_search.search("") == []  # the empty box: no result, no warning
    assert material_search.rejected == before + 1


def test_a_section_maps_to_its_page_first_occurrence_wins() -> None:
    assert pages([["a/#x", "a/"], ["b/"], ["a/#y"], ["", "#top"]]) == ["a/", "b/", ""]


def test_the_worker_is_the_one_material_ships() -> None:
    import material

    worker = material_worker()
    assert worker.parent == Path(material.__file__).parent / "templates/assets/javascripts/workers"
    assert worker.name.startswith("search.") and worker.name.endswith(".min.js")


@pytest.mark.parametrize(
    ("script", "error"),
    [
        (
            'addEventListener("message", () => postMessage({ type: 7 }))',
            "failed: the Node process stopped\n"
            "material_search.mjs: expected READY (type 1) after SETUP, got a message of type 7\n"
            "(exit status 1)",
        ),
        (
            'addEventListener("message", () => {})',
            "failed: the Node process stopped\n"
            "material_search.mjs: the worker never answered: Material's search worker "
            "protocol (SETUP/READY/QUERY/RESULT) may have changed\n(exit status 1)",
        ),
        (
            "// listens for nothing",
            "failed: the Node process stopped\n"
            'material_search.mjs: expected the worker to listen for "message" once, it did '
            "0 times\n(exit status 1)",
        ),
    ],
)
def test_a_worker_out_of_protocol_stops_the_run(
    index_file: Path, tmp_path: Path, script: str, error: str
) -> None:
    worker = tmp_path / "search.0.min.js"
    worker.write_text(script, encoding="utf-8")
    with pytest.raises(MaterialSearchError) as e:
        MaterialSearch(index_file, worker=worker)
    assert str(e.value) == f"Material's search worker (search.0.min.js) {error}"


def test_without_node_the_bench_stops_and_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("node") is None
    assert relevance.main(["--sets", "held-out queries (2nd session)"]) == 2
    assert capsys.readouterr().err == (
        "relevance.py: Material's search (the lunr column) runs Material's own search worker "
        "in Node.js 18 or newer, and there is no `node` on PATH: install Node.js (e.g. "
        "`apt-get install nodejs`), or pass --skip-mkdocs for no lunr column\n"
    )


def test_old_node_is_refused(tmp_path: Path) -> None:
    node = tmp_path / "node"
    node.write_text("#!/bin/sh\necho v16.20.2\n", encoding="utf-8")
    node.chmod(0o755)
    with pytest.raises(MaterialSearchError) as e:
        MaterialSearch(tmp_path / "search_index.json", node=str(node))
    assert str(e.value) == f"{node}: expected Node.js 18 or newer, got 'v16.20.2'"


def test_the_benchs_lunr_column_ranks_articles_by_materials_groups(index_file: Path) -> None:
    root = index_file.parent.parent.parent
    documents = relevance.load_documents(root / "docs", root / "mkdocs.yml")
    lunr = relevance.Lunr(index_file, documents, suggest=True)
    try:
        assert lunr.search("mail comes back") == ["email/bounces.md", "email/quota.md"]
        assert lunr.search("allocation") == ["email/quota.md"]
        assert lunr.search("mail comes back", limit=1) == ["email/bounces.md"]
    finally:
        lunr.close()


# Two articles for one query: the first has the query's words, the second more words that
# start like them ("sites", "downtime"), which Material's "*" on every term also matches.
EXACT_WORDS = {
    "hosting/site-down.md": article(
        "My website is down",
        "The browser cannot reach it.",
        extra_front="keywords: [site is down, site down, my site is down]",
    ),
    "support/moves.md": article(
        "Moving accounts",
        "Plan the move.",
        extra_front="keywords: [my sites went down, downtime for sites, site migration]",
    ),
}


@pytest.fixture(scope="module")
def exact_words_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SiteFactory, minimal_sections

    site = SiteFactory(tmp_path_factory.mktemp("exact-words"))
    site.write({**minimal_sections(), **EXACT_WORDS})
    return site.build() / "search" / "search_index.json"


def test_kb_search_js_puts_the_articles_own_words_before_their_prefix_forms(
    exact_words_index: Path,
) -> None:
    with MaterialSearch(exact_words_index) as plain:
        assert plain.pages("site is down")[:2] == ["support/moves/", "hosting/site-down/"]
    with MaterialSearch(exact_words_index, rewrite=KB_SEARCH_JS) as ours:
        assert ours.pages("site is down")[:2] == ["hosting/site-down/", "support/moves/"]
        # The prefix forms still count: "downt" finds only "downtime".
        assert ours.pages("downt") == ["support/moves/"]
        assert ours.rejected == 0


def _rewrite(query: str) -> str:
    script = (
        "const k = require(process.argv[1]);"
        "process.stdout.write(JSON.stringify(k.exactWordsFirst(process.argv[2])))"
    )
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(
        [node, "-e", script, str(KB_SEARCH_JS), query], capture_output=True, text=True, check=True
    )
    return str(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("site is down", "site^100 site is^100 is down^100 down"),
        ("550 5.1.1", "550^100 550 5.1.1^100 5.1.1"),
        ("won't load", "won't^100 won't load^100 load"),
        (
            "Überweisung fehlgeschlagen",
            "Überweisung^100 Überweisung fehlgeschlagen^100 fehlgeschlagen",
        ),
        # Hyphenated words and Han text are split by the worker itself: left as typed.
        ("non-www redirect", "non-www redirect^100 redirect"),
        ("邮件 mail", "邮件 mail^100 mail"),
        # lunr's own syntax: the whole query as typed.
        ('"site down"', '"site down"'),
        ("title:ssl", "title:ssl"),
        ("mail -spam", "mail -spam"),
        ("+mail quota", "+mail quota"),
        ("ssl~1", "ssl~1"),
        ("cert*", "cert*"),
        ("", ""),
    ],
)
def test_exact_words_first_leaves_lunr_syntax_alone(typed: str, sent: str) -> None:
    assert _rewrite(typed) == sent

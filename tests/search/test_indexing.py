"""Index generations: atomic swap, reuse of unchanged documents, live updates."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import search
from search import Document, SearchError
from search.generation import Generation as _Generation
from search.indexing import current_generation


def generations(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".gen-" in p.name)


def _fillers(n: int) -> list[Document]:
    return [
        Document(
            path=f"x/{i}.md",
            url=f"x/{i}/",
            title=f"Filler {i}",
            summary="",
            body="filler text",
            section="x",
        )
        for i in range(n)
    ]


def test_index_dir_is_a_symlink_to_a_generation(tmp_path: Path, docs: tuple[Document, ...]) -> None:
    report = search.build_index(docs, tmp_path / "index")
    assert (tmp_path / "index").is_symlink()
    assert os.readlink(tmp_path / "index") == report["generation"]
    assert report["documents"] == len(docs)


def test_a_searcher_open_on_the_old_generation_keeps_working(
    tmp_path: Path, docs: tuple[Document, ...]
) -> None:
    search.build_index(docs, tmp_path / "index")
    old = current_generation(tmp_path / "index")
    ix = __import__("whoosh.index", fromlist=["open_dir"]).open_dir(str(old))
    with ix.searcher() as searcher:
        search.build_index(docs[:2], tmp_path / "index", reuse=False)
        assert current_generation(tmp_path / "index") != old
        # The old generation is kept, and the open searcher still reads it.
        assert searcher.doc_count() == len(docs)
        assert searcher.document(path="hosting/htaccess.md") is not None
        search.build_index(docs[:1], tmp_path / "index", reuse=False)
        assert searcher.doc_count() == len(docs)
    # Only the current and the previous generation are left.
    assert len(generations(tmp_path)) == 2


def test_an_open_knowledge_base_moves_to_the_new_generation(
    tmp_path: Path, docs: tuple[Document, ...]
) -> None:
    search.build_index(docs, tmp_path / "index")
    kb = search.open_index(tmp_path / "index")
    assert kb.query("vacation reply").paths == ["email/autoresponders.md"]
    search.build_index([d for d in docs if "autoresponder" not in d.path], tmp_path / "index")
    assert kb.query("vacation reply").paths == []
    assert kb.doc_count == len(docs) - 1


def test_unchanged_rebuild_keeps_the_generation(tmp_path: Path, docs: tuple[Document, ...]) -> None:
    first = search.build_index(docs, tmp_path / "index")
    again = search.build_index(docs, tmp_path / "index")
    assert again["generation"] == first["generation"]
    assert again["reused"] == len(docs)


def test_rebuild_rewrites_only_changed_documents(
    tmp_path: Path, docs: tuple[Document, ...]
) -> None:
    search.build_index(docs * 1, tmp_path / "index")
    many = [*docs, *_fillers(20)]
    search.build_index(many, tmp_path / "index")
    changed = [dataclasses.replace(many[0], title="Bounces explained"), *many[1:]]
    report = search.build_index(changed, tmp_path / "index")
    assert (report["updated"], report["added"], report["removed"]) == (1, 0, 0)
    kb = search.open_index(tmp_path / "index")
    assert kb.query("explained").paths == ["email/bounces-ndr.md"]
    assert kb.doc_count == len(many)


def test_a_rebuild_adds_replaces_and_removes_in_a_patched_generation(
    tmp_path: Path, docs: tuple[Document, ...]
) -> None:
    search.build_index([*docs, *_fillers(20)], tmp_path / "index")
    kb = search.open_index(tmp_path / "index")
    new = Document(
        path="email/quota.md",
        url="email/quota/",
        title="Mailbox quota",
        summary="",
        body="Mailbox full.",
        section="email",
    )
    kept = [d for d in docs if d.path != "email/autoresponders.md"]
    report = search.build_index([*kept, new, *_fillers(20)], tmp_path / "index")
    assert (report["added"], report["removed"]) == (1, 1)
    assert kb.query("mailbox quota").paths[0] == "email/quota.md"
    assert "email/autoresponders.md" not in kb.paths
    # Spelling uses the updated vocabulary: a word only the new article has.
    assert kb.query("mailbx quota").did_you_mean == "mailbox quota"


def test_duplicate_paths_are_rejected(tmp_path: Path, docs: tuple[Document, ...]) -> None:
    with pytest.raises(SearchError, match=r"two documents have the path 'email/bounces-ndr\.md'"):
        search.build_index([docs[0], docs[0]], tmp_path / "index")


def test_write_generation_fills_a_directory_and_touches_no_link(
    tmp_path: Path, docs: tuple[Document, ...]
) -> None:
    """kb build writes its index into its release; the live link and its generation stay."""
    live = tmp_path / "index"
    search.build_index(docs, live)
    before = os.readlink(live)
    kb = search.open_index(live)
    report = search.write_generation(
        docs, tmp_path / "release" / "index", reuse_from=live, name="20260101T000000Z-0a1b2c3d"
    )
    assert report["reused"] == len(docs) and report["added"] == 0
    assert os.readlink(live) == before and kb.query("mail comes back").paths
    assert generations(tmp_path) == [before]
    assert [p.name for p in (tmp_path / "release").iterdir()] == ["index"]
    written = search.open_index(tmp_path / "release" / "index")
    assert written.doc_count == len(docs)
    assert written.generation_name == "20260101T000000Z-0a1b2c3d"


def test_write_generation_refuses_an_existing_directory(
    tmp_path: Path, docs: tuple[Document, ...]
) -> None:
    (tmp_path / "index").mkdir()
    with pytest.raises(FileExistsError, match=r"index exists: write_generation writes a new d"):
        search.write_generation(docs, tmp_path / "index")
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_a_swap_keeps_only_its_own_generations(tmp_path: Path, docs: tuple[Document, ...]) -> None:
    """Two links in one folder: each build deletes its own old generations, not the other's."""
    search.build_index(docs, tmp_path / "a")
    search.build_index(docs[:2], tmp_path / "b")
    b = os.readlink(tmp_path / "b")
    for n in range(3):
        search.build_index(docs[: 3 + n], tmp_path / "a", reuse=False)
    assert search.open_index(tmp_path / "b").doc_count == 2
    assert b in generations(tmp_path)


def test_concurrent_queries_from_threads(tmp_path: Path, docs: tuple[Document, ...]) -> None:
    search.build_index(docs, tmp_path / "index")
    kb = search.open_index(tmp_path / "index")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for q in [
                "mail comes back",
                "free ssl",
                "php.ini",
                "certficate",
                "second website",
            ] * 20:
                assert kb.query(q).hits
        except BaseException as e:  # collected and re-raised in the main thread
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    search.build_index([*docs, dataclasses.replace(docs[0], path="e/copy.md")], tmp_path / "index")
    for t in threads:
        t.join()
    assert errors == []


def test_block_read_of_postings_equals_the_matcher_api(
    tmp_path: Path, docs: tuple[Document, ...]
) -> None:
    """The fast path reads Whoosh's blocks directly; it must agree with the public API."""
    search.build_index(docs, tmp_path / "index")
    # One changed document of five: the new generation is a patched copy, with a deletion.
    report = search.build_index(
        [docs[0], dataclasses.replace(docs[1], title="Autoresponders"), *docs[2:]],
        tmp_path / "index",
    )
    assert report["updated"] == 1
    gen = _Generation(current_generation(tmp_path / "index"))
    reader = gen.reader()
    for term in ["mail", "syn:bounc", "5.1.1", "domain", "autorespond"]:
        ids, weights = gen._read_postings(term)
        slow_ids, slow_weights = [], []
        m = reader.postings("content", term.encode())
        while m.is_active():
            slow_ids.append(m.id())
            slow_weights.append(m.weight())
            m.next()
        live = gen.live[ids]
        assert ids[live].tolist() == slow_ids
        assert np.allclose(weights[live], slow_weights)


def test_a_broken_swap_keeps_answering_from_the_open_generation(kb, tmp_path: Path) -> None:
    before = [h.path for h in kb.query("mailbox quota").hits]
    assert before
    broken = tmp_path / "index.gen-broken"
    broken.mkdir()  # no Whoosh index in it
    link = tmp_path / "index"
    tmp = tmp_path / "index.tmp-link"
    tmp.symlink_to(broken.name)
    os.replace(tmp, link)
    assert [h.path for h in kb.query("mailbox quota").hits] == before
    with pytest.raises(search.IndexNotFound):
        search.open_index(link)  # a new reader has nothing to fall back on


def test_background_swaps_answer_from_the_open_generation_until_the_new_one_is_ready(
    tmp_path: Path, docs: tuple[Document, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    search.build_index(docs, tmp_path / "index")
    kb = search.open_index(tmp_path / "index", background_swaps=True)
    assert kb.query("vacation reply").paths == ["email/autoresponders.md"]
    # Hold the new generation's warm-up until the test lets it go.
    release, warming = threading.Event(), threading.Event()
    speller = _Generation.speller

    def slow_speller(self: _Generation, **kwargs: object) -> object:
        warming.set()
        assert release.wait(10)
        return speller(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_Generation, "speller", slow_speller)
    search.build_index([d for d in docs if "autoresponder" not in d.path], tmp_path / "index")
    # The query that notices the swap does not wait: the old generation answers it.
    assert kb.query("vacation reply").paths == ["email/autoresponders.md"]
    assert warming.wait(10)
    assert kb.query("vacation reply").paths == ["email/autoresponders.md"]
    release.set()
    for _ in range(200):
        if kb.doc_count == len(docs) - 1:
            break
        time.sleep(0.02)
    assert kb.doc_count == len(docs) - 1
    assert kb.query("vacation reply").paths == []


def test_a_broken_background_swap_keeps_the_open_generation(
    tmp_path: Path, docs: tuple[Document, ...]
) -> None:
    search.build_index(docs, tmp_path / "index")
    kb = search.open_index(tmp_path / "index", background_swaps=True)
    before = kb.query("mailbox quota").paths
    broken = tmp_path / "index.gen-broken"
    broken.mkdir()
    (tmp_path / "index.tmp-link").symlink_to(broken.name)
    os.replace(tmp_path / "index.tmp-link", tmp_path / "index")
    for _ in range(20):
        assert kb.query("mailbox quota").paths == before
        time.sleep(0.02)
    search.build_index(docs[:3], tmp_path / "index", reuse=False)
    for _ in range(200):
        if kb.doc_count == 3:
            break
        time.sleep(0.02)
    assert kb.doc_count == 3


def test_a_generation_written_before_the_catalog_column_still_opens(
    tmp_path: Path, docs: tuple[Document, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.indexing as indexing

    make_schema, fields_of = indexing.make_schema, indexing._document_fields

    def old_schema():  # type: ignore[no-untyped-def]
        schema = make_schema()
        schema.remove("catalog")
        return schema

    def old_fields(doc: Document) -> dict[str, object]:
        fields = fields_of(doc)
        del fields["catalog"]
        return fields

    monkeypatch.setattr(indexing, "make_schema", old_schema)
    monkeypatch.setattr(indexing, "_document_fields", old_fields)
    search.build_index(docs, tmp_path / "index")
    monkeypatch.undo()
    kb = search.open_index(tmp_path / "index")
    assert kb.doc_count == len(docs)
    assert kb.query("vacation reply").paths == ["email/autoresponders.md"]

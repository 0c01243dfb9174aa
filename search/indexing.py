"""Building the index: generations swapped in atomically.

``index_dir`` (e.g. ``.kb/index``) is a symbolic link to a *generation*, a complete
Whoosh index in a sibling directory (``.kb/index.gen-<time>-<id>``). A build writes a
new generation beside it, then replaces the link with :func:`os.replace`, which is
atomic: a reader sees the old index or the new one, never half of one. Searchers open
on the previous generation keep working; it is kept until the next swap, and older
generations are deleted. This is how ``kb serve``'s preview and library users keep an
index. ``kb build`` publishes its index inside a release instead
(:mod:`kb_builder.publish`): it writes one complete generation into a directory of the
release with :func:`write_generation`, and the release is what gets swapped.

Rebuilding is cheap when little changed: each stored document carries a hash of its
content and of the analysis (:data:`search.analysis.ANALYSIS_FINGERPRINT`). A build
whose documents mostly match the current generation copies it and rewrites only the
documents that changed; a build where nothing changed keeps the current generation.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import heapq
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import astuple
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index  # type: ignore[import-untyped]

from search.analysis import ANALYSIS_FINGERPRINT, index_terms, pair_terms
from search.documents import Document
from search.errors import IndexNotFound, SearchError
from search.schema import FIELD_WEIGHTS, make_schema

__all__ = [
    "BuildReport",
    "build_index",
    "current_generation",
    "document_hash",
    "generation_name",
    "read_vocabulary",
    "write_generation",
]

logger = logging.getLogger(__name__)

GENERATION_MARK = ".gen-"
META_FILE = "kb-index.json"
#: ``{word: document frequency}`` of the generation's unstemmed words, for spelling.
VOCABULARY_FILE = "vocabulary.json"
#: Above this share of changed documents, a full rebuild is cheaper than patching a copy.
REBUILD_THRESHOLD = 0.3
#: Heaviest terms stored per article, for related articles.
TOP_TERMS = 80
#: The fields whose neighbouring words are also indexed as pairs
#: (:func:`search.analysis.pair_terms`): the short ones, written line by line. In the
#: body, a pair is as likely to straddle two sentences as to mean something.
PAIR_REGIONS = frozenset({"title", "keywords", "questions", "headings", "summary"})
#: Memory the Whoosh writer may use before spilling to disk, in MB.
WRITER_LIMIT_MB = 256


class BuildReport(dict[str, Any]):
    """What a build did: ``{"generation", "documents", "added", "updated", "removed",
    "reused", "seconds"}``. A dict, so it serializes as is."""


@functools.lru_cache(maxsize=65536)
def document_hash(doc: Document) -> str:
    """A hash of everything indexed about ``doc`` and of the analysis that indexes it.

    Cached: ``kb serve`` re-indexes after every save and hands in the same (frozen)
    documents for the articles that did not change."""
    h = hashlib.sha256(ANALYSIS_FINGERPRINT.encode())
    h.update(json.dumps(astuple(doc), ensure_ascii=False, default=list).encode())
    return h.hexdigest()[:24]


def _document_fields(doc: Document) -> dict[str, Any]:
    """The Whoosh fields of ``doc``, ``content`` weighted per :data:`FIELD_WEIGHTS`."""
    regions = {
        "title": doc.title,
        "keywords": "\n".join(doc.keywords),
        "questions": "\n".join(doc.questions),
        "summary": doc.summary,
        "headings": "\n".join(doc.headings),
        "tags": "\n".join(doc.tags),
        "body": doc.body,
    }
    content: dict[str, list[float]] = {}
    pairs: dict[str, list[float]] = {}
    vocabulary: set[str] = set()
    for name, text in regions.items():
        if not text:
            continue
        weight = FIELD_WEIGHTS[name]
        terms, region_words = index_terms(text)
        for term in terms:
            entry = content.get(term)
            if entry is None:
                content[term] = [1, weight]
            else:
                entry[0] += 1
                entry[1] += weight
        vocabulary |= region_words
        if name in PAIR_REGIONS:
            for term in pair_terms(text):
                # Frequency 0: a pair adds weight to its term, not length to the article,
                # so every other term scores as it did without pairs.
                entry = pairs.setdefault(term, [0, 0.0])
                entry[1] = max(entry[1], 1.0)
    return {
        "path": doc.path,
        "url": doc.url,
        "title": doc.title,
        "summary": doc.summary,
        "headings": "\n".join(doc.headings),
        "body": doc.body,
        "keywords": "\n".join(doc.keywords),
        "tags": ",".join(doc.tags),
        "section": doc.section,
        "audience": doc.audience,
        "boost": float(doc.boost),
        "related": list(doc.related),
        "catalog": json.dumps(
            [doc.path, doc.section, float(doc.boost), document_hash(doc)], ensure_ascii=False
        ).encode("utf-8"),
        "top_terms": [
            (t, round(w, 2))
            for t, (_, w) in heapq.nlargest(TOP_TERMS, content.items(), key=lambda tw: tw[1][1])
        ],
        "content": {t: (int(f), w) for t, (f, w) in (content | pairs).items()},
        "words": sorted(vocabulary),
        "question_terms": json.dumps(
            [sorted(set(index_terms(q)[0])) for q in doc.questions], ensure_ascii=False
        ).encode("utf-8"),
    }


def current_generation(index_dir: str | Path) -> Path:
    """The generation directory ``index_dir`` points to.

    Raises :class:`IndexNotFound` if there is no index there.
    """
    link = Path(index_dir)
    try:
        target = link.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError) as e:
        raise IndexNotFound(f"no search index at {link}: run a build first") from e
    if not whoosh_index.exists_in(str(target)):
        raise IndexNotFound(f"no search index at {link} (-> {target}): run a build first")
    return target


@contextlib.contextmanager
def _build_lock(link: Path) -> Iterator[None]:
    """Serialize builders of one ``index_dir`` (across processes)."""
    link.parent.mkdir(parents=True, exist_ok=True)
    lock_path = link.parent / f".{link.name}.lock"
    with lock_path.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _new_generation_dir(link: Path) -> Path:
    name = f"{link.name}{GENERATION_MARK}{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    return link.parent / name


def _swap(link: Path, generation: Path) -> None:
    """Point ``link`` at ``generation`` atomically, then delete stale generations."""
    if link.exists() and not link.is_symlink():
        # An index directory from before generations: move it aside as a generation.
        legacy = _new_generation_dir(link)
        os.rename(link, legacy)
        logger.info("moved the old index directory %s to %s", link, legacy)
    previous = link.resolve() if link.is_symlink() else None
    tmp_link = link.parent / f".{link.name}.link-{uuid.uuid4().hex[:8]}"
    os.symlink(generation.name, tmp_link)
    os.replace(tmp_link, link)
    logger.info("search index %s now points to %s", link, generation.name)
    keep = {generation.resolve()}
    if previous is not None:
        keep.add(previous)
    for old in link.parent.glob(f"{link.name}{GENERATION_MARK}*"):
        if old.is_dir() and not old.is_symlink() and old.resolve() not in keep:
            # Searchers still open on it hold open files, which Linux keeps readable.
            shutil.rmtree(old, ignore_errors=True)


def _write_meta(generation: Path, count: int, name: str) -> None:
    meta = {
        "fingerprint": ANALYSIS_FINGERPRINT,
        "documents": count,
        "built": time.time(),
        "generation": name,
    }
    (generation / META_FILE).write_text(json.dumps(meta), encoding="utf-8")


def generation_name(generation: str | Path) -> str:
    """The name a generation reports (``/api/readyz``, metrics): the one it was built
    under (a release id for ``kb build``'s), else its directory's name."""
    name = _read_meta(Path(generation)).get("generation")
    return name if isinstance(name, str) and name else Path(generation).name


def _write_vocabulary(generation: Path, vocabulary: Counter[str]) -> None:
    data = {w: n for w, n in sorted(vocabulary.items()) if n > 0}
    (generation / VOCABULARY_FILE).write_text(
        json.dumps(data, ensure_ascii=False), encoding="utf-8"
    )


def read_vocabulary(generation: str | Path) -> Counter[str]:
    """``{word: number of articles using it}`` of a generation (empty if unreadable)."""
    try:
        data = json.loads((Path(generation) / VOCABULARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning(
            "no readable %s in %s: spelling correction is off", VOCABULARY_FILE, generation
        )
        return Counter()
    return (
        Counter({str(w): int(n) for w, n in data.items()}) if isinstance(data, dict) else Counter()
    )


def _read_meta(generation: Path) -> dict[str, Any]:
    try:
        data = json.loads((generation / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def catalog(reader: Any) -> Iterator[tuple[int, str, str, float, str]]:
    """(docnum, path, section, boost, content hash) of every live document of ``reader``.

    From the ``catalog`` column; generations written before it existed are read from
    the stored fields (much slower: they hold the bodies).
    """
    if reader.doc_count_all() == 0:
        return  # an index of no articles: Whoosh's empty reader has no columns at all
    if "catalog" in reader.schema:
        column = reader.column_reader("catalog")
        for docnum in reader.all_doc_ids():
            path, section, boost, content_hash = json.loads(column[docnum])
            yield docnum, path, section, float(boost), content_hash
        return
    for docnum, stored in reader.iter_docs():
        yield (
            docnum,
            stored["path"],
            stored.get("section") or "",
            float(stored.get("boost") or 1.0),
            stored.get("content_hash", ""),
        )


def _stored_hashes(generation: Path) -> dict[str, str]:
    ix = whoosh_index.open_dir(str(generation))
    with ix.reader() as reader:
        return {path: content_hash for _, path, _, _, content_hash in catalog(reader)}


def _changed(docs: dict[str, Document], old_hashes: dict[str, str]) -> list[Document]:
    """The documents that are new or differ from the generation's."""
    return [d for p, d in docs.items() if old_hashes.get(p) != document_hash(d)]


def _unchanged(current: Path, count: int, started: float) -> BuildReport:
    """The report of a build that kept ``current`` as it was."""
    return BuildReport(
        generation=current.name,
        documents=count,
        added=0,
        updated=0,
        removed=0,
        reused=count,
        seconds=time.perf_counter() - started,
    )


def _unique(documents: Iterable[Document]) -> dict[str, Document]:
    docs: dict[str, Document] = {}
    for doc in documents:
        if not isinstance(doc, Document):
            raise TypeError(f"expected search.Document, got {type(doc).__name__}")
        if doc.path in docs:
            raise SearchError(f"two documents have the path {doc.path!r}: paths must be unique")
        docs[doc.path] = doc
    return docs


def _reusable(base: Path) -> tuple[Path | None, dict[str, str] | None]:
    """The current generation behind ``base`` and its documents' hashes, if reusable."""
    try:
        current = current_generation(base)
    except IndexNotFound:
        return None, None
    if _read_meta(current).get("fingerprint") != ANALYSIS_FINGERPRINT:
        return current, None
    return current, _stored_hashes(current)


def _write_into(
    tmp: Path,
    docs: dict[str, Document],
    current: Path | None,
    old_hashes: dict[str, str] | None,
) -> tuple[BuildReport, Counter[str], int]:
    """Write a complete index of ``docs`` into the empty directory ``tmp``: a patched
    copy of ``current`` when few documents changed, else a full build."""
    if old_hashes is not None and current is not None:
        changed = _changed(docs, old_hashes)
        removed = [p for p in old_hashes if p not in docs]
        if len(changed) + len(removed) <= REBUILD_THRESHOLD * max(len(docs), 1):
            vocabulary, count = _write_patch(tmp, current, changed, removed)
            added = sum(1 for d in changed if d.path not in old_hashes)
            logger.info(
                "updated search index: %d added, %d updated, %d removed",
                added,
                len(changed) - added,
                len(removed),
            )
            report = BuildReport(
                documents=len(docs),
                added=added,
                updated=len(changed) - added,
                removed=len(removed),
                reused=len(old_hashes) - len(changed) + added - len(removed),
            )
            return report, vocabulary, count
    vocabulary, count = _write_full(tmp, docs.values())
    report = BuildReport(documents=len(docs), added=len(docs), updated=0, removed=0, reused=0)
    return report, vocabulary, count


def build_index(
    documents: Iterable[Document],
    index_dir: str | Path,
    *,
    reuse: bool = True,
) -> BuildReport:
    """Index ``documents`` as a new generation and swap it in at ``index_dir``.

    With ``reuse`` (the default), documents unchanged since the current generation are
    not analyzed again, and if none changed the current generation stays in place.
    Returns a :class:`BuildReport`.
    """
    started = time.perf_counter()
    link = Path(index_dir)
    docs = _unique(documents)
    with _build_lock(link):
        current, old_hashes = _reusable(link) if reuse else (None, None)
        if (
            old_hashes is not None
            and current is not None
            and not _changed(docs, old_hashes)
            and set(old_hashes) == set(docs)
        ):
            logger.info("search index unchanged (%d documents)", len(docs))
            return _unchanged(current, len(docs), started)
        tmp = Path(tempfile.mkdtemp(prefix=f".{link.name}.tmp-", dir=link.parent))
        generation = _new_generation_dir(link)
        try:
            report, vocabulary, count = _write_into(tmp, docs, current, old_hashes)
            _seal(tmp, vocabulary, count, generation)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _swap(link, generation)
        report.update(generation=generation.name, seconds=time.perf_counter() - started)
        logger.info("built search index of %d documents in %.2f s", len(docs), report["seconds"])
        return report


def write_generation(
    documents: Iterable[Document],
    directory: str | Path,
    *,
    reuse_from: str | Path | None = None,
    name: str | None = None,
) -> BuildReport:
    """Write a complete index of ``documents`` into ``directory``, which must not exist.

    Nothing is swapped and no link is touched: the caller publishes ``directory`` (``kb
    build`` as part of a release). Documents unchanged since the index at
    ``reuse_from`` (a link or a generation) are copied rather than analyzed again.
    ``name`` is what the generation reports (default: the directory's name).
    """
    started = time.perf_counter()
    target = Path(directory)
    if target.exists() or target.is_symlink():
        raise FileExistsError(f"{target} exists: write_generation writes a new directory")
    docs = _unique(documents)
    current, old_hashes = _reusable(Path(reuse_from)) if reuse_from is not None else (None, None)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        report, vocabulary, count = _write_into(tmp, docs, current, old_hashes)
        _seal(tmp, vocabulary, count, target, name=name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report.update(generation=name or target.name, seconds=time.perf_counter() - started)
    return report


def _write_full(tmp: Path, docs: Iterable[Document]) -> tuple[Counter[str], int]:
    ix = whoosh_index.create_in(str(tmp), make_schema())
    writer = ix.writer(limitmb=WRITER_LIMIT_MB)
    count = 0
    vocabulary: Counter[str] = Counter()
    try:
        for doc in docs:
            fields = _document_fields(doc)
            vocabulary.update(fields["words"])
            writer.add_document(**fields)
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=True)
    ix.close()
    return vocabulary, count


def _seal(
    tmp: Path, vocabulary: Counter[str], count: int, final: Path, *, name: str | None = None
) -> None:
    """Finish the generation written in ``tmp``: vocabulary, metadata, final name."""
    _write_vocabulary(tmp, vocabulary)
    _write_meta(tmp, count, name or final.name)
    os.rename(tmp, final)


def _write_patch(
    tmp: Path, current: Path, changed: list[Document], removed: list[str]
) -> tuple[Counter[str], int]:
    """Copy ``current`` into ``tmp``, rewrite ``changed`` and delete ``removed`` there."""
    shutil.rmtree(tmp)
    shutil.copytree(current, tmp)
    ix = whoosh_index.open_dir(str(tmp))
    vocabulary = read_vocabulary(tmp)
    with ix.searcher() as searcher:
        for path in [*removed, *(d.path for d in changed)]:
            old = searcher.document(path=path)
            if old is not None:
                vocabulary.subtract(old.get("words") or ())
    writer = ix.writer(limitmb=WRITER_LIMIT_MB)
    try:
        for path in removed:
            writer.delete_by_term("path", path)
        for doc in changed:
            fields = _document_fields(doc)
            vocabulary.update(fields["words"])
            writer.update_document(**fields)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    count = ix.doc_count()
    ix.close()
    return vocabulary, count

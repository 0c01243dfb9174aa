"""Related articles: an article's declared ``related`` first, then its nearest by content.

"Nearest by content" is a BM25F query made of the article's own heaviest terms (stored
at indexing time as ``top_terms``, weighted here by IDF), excluding the article itself.
With term postings cached per generation, this costs a fraction of a millisecond an
article, so a build can ask for all 2,000.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.generation import Generation

__all__ = ["RELATED_QUERY_TERMS", "declared_first", "related_paths"]

#: The article's terms (by weight x IDF) that make up its "related" query.
RELATED_QUERY_TERMS = 25


def declared_first(
    path: str,
    declared: Iterable[str],
    nearest: Iterable[str],
    *,
    limit: int,
    known: Container[str],
) -> list[str]:
    """The one rule for an article's related list: the articles its front matter declares
    (in their order), then the nearest by content; only ``known`` paths, never ``path``
    itself, no repeats, at most ``limit``.

    The engine applies it to its index; the builder to the articles a page may link to.
    """
    out: list[str] = []
    for other in (*declared, *nearest):
        if other != path and other in known and other not in out:
            out.append(other)
    return out[: max(limit, 0)]


def related_paths(gen: Generation, path: str, *, limit: int = 5) -> list[str]:
    """See :meth:`search.KnowledgeBase.related`."""
    # Imported here: the builder's page-rendering process needs only declared_first,
    # not NumPy.
    import search.ranking as ranking

    docnum = gen.path_to_doc.get(path)
    if docnum is None or limit <= 0:
        return []
    stored = gen.stored(docnum)
    declared = declared_first(
        path, stored.get("related") or (), (), limit=limit, known=gen.path_to_doc
    )
    if len(declared) >= limit:
        return declared
    weighted: list[tuple[str, float]] = []
    for term, weight in stored.get("top_terms") or ():
        df = gen.df(term)
        if df > 1:
            weighted.append((term, float(weight) * gen.idf(df)))
    weighted.sort(key=lambda tw: -tw[1])
    scores = ranking.score(weighted[:RELATED_QUERY_TERMS], gen.postings, gen.boosts)
    scores[docnum] = 0.0
    for d in declared:
        scores[gen.path_to_doc[d]] = 0.0
    nearest = [gen.paths[d] for d in ranking.top_k(scores, limit - len(declared), gen.paths)]
    return declared_first(path, declared, nearest, limit=limit, known=gen.path_to_doc)

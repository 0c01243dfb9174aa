"""Related articles: an article's declared ``related`` first, then its nearest by content.

"Nearest by content" is a BM25F query made of the article's own heaviest terms (stored
at indexing time as ``top_terms``, weighted here by IDF), excluding the article itself.
With term postings cached per generation, this costs a fraction of a millisecond an
article, so a build can ask for all 2,000.
"""

from __future__ import annotations

import search.ranking as ranking
from search.generation import Generation

__all__ = ["RELATED_QUERY_TERMS", "related_paths"]

#: The article's terms (by weight x IDF) that make up its "related" query.
RELATED_QUERY_TERMS = 25


def related_paths(gen: Generation, path: str, *, limit: int = 5) -> list[str]:
    """See :meth:`search.KnowledgeBase.related`."""
    docnum = gen.path_to_doc.get(path)
    if docnum is None or limit <= 0:
        return []
    stored = gen.stored(docnum)
    out: list[str] = []
    for declared in stored.get("related") or ():
        if declared != path and declared in gen.path_to_doc and declared not in out:
            out.append(declared)
    if len(out) >= limit:
        return out[:limit]
    weighted: list[tuple[str, float]] = []
    for term, weight in stored.get("top_terms") or ():
        df = gen.df(term)
        if df > 1:
            weighted.append((term, float(weight) * gen.idf(df)))
    weighted.sort(key=lambda tw: -tw[1])
    scores = ranking.score(weighted[:RELATED_QUERY_TERMS], gen.postings, gen.boosts)
    scores[docnum] = 0.0
    for d in out:
        scores[gen.path_to_doc[d]] = 0.0
    out.extend(gen.paths[d] for d in ranking.top_k(scores, limit - len(out), gen.paths))
    return out[:limit]

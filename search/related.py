"""Related articles: an article's declared ``related`` first, then its nearest by content.

"Nearest by content" is a BM25F query made of the article's own heaviest terms (stored
at indexing time as ``top_terms``, weighted here by IDF), excluding the article itself.
With term postings cached per generation, this costs a fraction of a millisecond an
article, so a build can ask for all 2,000.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from search.knowledge_base import KnowledgeBase

__all__ = ["RELATED_QUERY_TERMS", "related_for"]

logger = logging.getLogger(__name__)

#: The article's terms (by weight x IDF) that make up its "related" query.
RELATED_QUERY_TERMS = 25


def related_for(kb: KnowledgeBase, path: str, *, limit: int = 5) -> list[str]:
    """See :meth:`search.KnowledgeBase.related`."""
    gen = kb._current()
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
    scores = np.zeros(gen.maxdoc, dtype=np.float32)
    for term, weight in weighted[:RELATED_QUERY_TERMS]:
        p = gen.postings(term)
        scores[p.ids] += weight * p.tf_factor
    scores *= gen.boosts
    scores[docnum] = 0.0
    for d in out:
        scores[gen.path_to_doc[d]] = 0.0
    want = limit - len(out)
    nonzero = int(np.count_nonzero(scores))
    if want > 0 and nonzero:
        k = min(want, nonzero)
        top = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
        ranked = sorted(top.tolist(), key=lambda d: (-float(scores[d]), gen.paths[d]))
        out.extend(gen.paths[d] for d in ranked if scores[d] > 0)
    return out[:limit]

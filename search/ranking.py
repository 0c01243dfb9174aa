"""BM25F scoring and top-k: one implementation for queries and related articles.

Ranking is BM25F over the ``content`` field (see :mod:`search.schema`, where field
weights are applied at indexing time), scored term-at-a-time with NumPy: a query costs
one vector addition per term, whatever the index size, instead of Whoosh's per-posting
Python matchers (38 ms at 2,000 articles; see ``bench/search_speed.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["IDF_FLOOR", "K1", "B", "idf", "length_norm", "score", "tf_factor", "top_k"]

#: BM25 parameters (Robertson's usual values).
K1 = 1.2
B = 0.75
#: BM25's IDF of a word in nearly every article is nearly 0, so a query whose words are
#: all common ("contact support") would be ranked by chance; with a floor, where the
#: common words appear (title, keywords) still counts a little.
IDF_FLOOR = 0.2


@dataclass(frozen=True)
class Postings:
    """A term's posting list, ready to score."""

    ids: np.ndarray
    """Live document numbers containing the term."""
    tf_factor: np.ndarray
    """BM25's saturated, length-normalized term frequency for each of them."""

    @property
    def df(self) -> int:
        return int(self.ids.size)


def length_norm(lengths: np.ndarray, average: float) -> np.ndarray:
    """BM25's per-document length normalization, ``K1 * (1 - B + B * len / avg)``."""
    return (K1 * (1 - B + B * lengths / max(average, 1.0))).astype(np.float32)


def tf_factor(weights: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """BM25's saturated, length-normalized term frequency."""
    return (weights * (K1 + 1) / (weights + norms)).astype(np.float32)


def idf(df: int, doc_count: int) -> float:
    """BM25's inverse document frequency, at least :data:`IDF_FLOOR`."""
    return max(IDF_FLOOR, math.log(1.0 + (doc_count - df + 0.5) / (df + 0.5)))


def score(
    terms: Iterable[tuple[str, float]],
    postings: Callable[[str], Postings],
    boosts: np.ndarray,
) -> np.ndarray:
    """Every document's score for the weighted ``terms``, times its boost (one entry per
    document number; ``postings`` is :meth:`search.generation.Generation.postings`)."""
    scores = np.zeros(boosts.size, dtype=np.float32)
    for term, weight in terms:
        p = postings(term)
        if p.df:
            scores[p.ids] += weight * p.tf_factor
    scores *= boosts
    return scores


def top_k(scores: np.ndarray, k: int, paths: Sequence[str]) -> list[int]:
    """The at most ``k`` document numbers of the highest positive ``scores``, best first;
    ties broken by path, so results are stable across builds."""
    k = min(k, int(np.count_nonzero(scores)))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
    order = sorted(top.tolist(), key=lambda d: (-float(scores[d]), paths[d]))[:k]
    return [d for d in order if scores[d] > 0.0]

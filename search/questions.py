"""Question-level scoring: each of an article's ``questions`` scored as a passage.

Customers describe what they see, and an article's ``questions`` front matter says it in
their words. Indexed with the rest of the article (``content``), eight short questions
are a small part of a long article and count little. Scored one by one, the question
that matches a ticket best works like a matching passage: an article's question score
is its best question's BM25 score in the collection of every article's questions.
:meth:`search.KnowledgeBase.query_ticket` adds it to the article's score (see
:data:`search.knowledge_base.QUESTION_SHARE`).

The terms of each question are analyzed at indexing time and kept in the
``question_terms`` column (:mod:`search.schema`), so opening a generation analyzes
nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["QuestionIndex"]

#: BM25's length normalization, softened (square root): questions are all short, and a
#: longer question is not less about its subject.
_B = 0.75


@dataclass(frozen=True)
class QuestionIndex:
    """The questions of one generation's live articles, ready to score."""

    owner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    """The document number of each question's article."""
    norm: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    """Each question's length normalization."""
    postings: dict[str, np.ndarray] = field(default_factory=dict)
    """Index term -> the questions containing it."""
    idf: dict[str, float] = field(default_factory=dict)
    """Index term -> its IDF among the questions."""

    @property
    def count(self) -> int:
        return int(self.owner.size)

    @classmethod
    def from_reader(cls, reader: Any, live: np.ndarray) -> QuestionIndex:
        """Read the ``question_terms`` column of ``reader``'s ``live`` documents
        (empty for a generation written before the column existed)."""
        if reader.doc_count_all() == 0 or "question_terms" not in reader.schema:
            return cls()
        column = reader.column_reader("question_terms")
        owners: list[int] = []
        lengths: list[int] = []
        postings: dict[str, list[int]] = {}
        for docnum in reader.all_doc_ids():
            raw = column[docnum]
            if not live[docnum] or not raw:
                continue
            for terms in json.loads(raw):
                qid = len(owners)
                owners.append(docnum)
                lengths.append(len(terms))
                for term in terms:
                    postings.setdefault(term, []).append(qid)
        if not owners:
            return cls()
        n = len(owners)
        length = np.array(lengths, dtype=np.float32)
        average = max(float(length.mean()), 1.0)
        return cls(
            owner=np.array(owners, dtype=np.int32),
            norm=np.sqrt(1 - _B + _B * length / average).astype(np.float32),
            postings={t: np.array(ids, dtype=np.int32) for t, ids in postings.items()},
            idf={
                t: math.log(1.0 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
                for t, ids in postings.items()
            },
        )

    def scores(self, terms: Iterable[tuple[str, float]], maxdoc: int) -> np.ndarray:
        """Per document number, the score of the article's best question for the
        weighted query ``terms`` (0 for articles without a matching question)."""
        article = np.zeros(maxdoc, dtype=np.float32)
        if not self.count:
            return article
        per_question = np.zeros(self.count, dtype=np.float32)
        for term, weight in terms:
            ids = self.postings.get(term)
            if ids is not None:
                per_question[ids] += weight * self.idf[term]
        per_question /= self.norm
        np.maximum.at(article, self.owner, per_question)
        return article

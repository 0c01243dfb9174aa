"""A small model of priority and scope, learned from the labelled tickets in the repository.

The rules in ``policy.yml`` fit the tickets they were written against: on writers they
had not seen they lose about a tenth of their priority accuracy and half of their
out-of-scope recall (``bench/priority_cv.py``). A linear model over the ticket's words
and letter groups, trained on every labelled ticket, holds up better on writers it was
not trained on, so deflection uses it where the policy's ``learned:`` section says so.

- Examples: ``search/deflect/examples/tickets.jsonl`` (``examples/README.md``): the
  union of the labelled dev and tuning tickets, one JSON object a line, added to with a
  pull request like an article.
- Features: TF-IDF of word 1-2 grams and of letter 2-5 grams (within words) of the masked
  subject and body, lower-cased, the first :data:`MAX_MODEL_CHARS` characters.
- Classifiers: two linear SVMs (scikit-learn's ``LinearSVC``, fixed ``random_state``):
  priority (four levels) and scope (in scope, or one of the four exclusion reasons).
- Fitted when first used, in about a quarter of a second, the same way every time: no
  file is downloaded or written.

:meth:`TicketModel.priority` also returns the words that weighed most for the level,
so the reason shown to the customer can say what the model leaned on.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from kb_text.secrets import find_secrets, mask_secrets
from search.deflect.policy import EXCLUSION_REASONS, LEVELS

__all__ = [
    "EXAMPLES_PATH",
    "IN_SCOPE",
    "MAX_MODEL_CHARS",
    "Leaning",
    "TicketModel",
    "default_model",
    "load_examples",
    "masked_text",
]

log = logging.getLogger(__name__)

EXAMPLES_PATH = Path(__file__).with_name("examples") / "tickets.jsonl"
"""The labelled tickets the shipped model is trained on."""
MAX_MODEL_CHARS = 3_000
"""The model reads this much of a ticket: what decides priority and scope is said early,
and a long pasted log would only cost time."""
IN_SCOPE = "in-scope"
"""The scope classifier's label for a ticket no exclusion applies to."""

_REQUIRED = ("id", "subject", "body", "priority", "out_of_scope", "oos_reason")
# Words a reason should not quote as "what the model leaned on": they carry no meaning
# a support manager could check.
_QUOTABLE = re.compile(r"[a-z]{3}|\s")


def masked_text(subject: str, body: str) -> str:
    """``subject`` + newline + ``body`` with secrets masked, as the rules see it."""
    text = f"{subject}\n{body}"
    return mask_secrets(text, find_secrets(text))


def _features_text(text: str) -> str:
    return text[:MAX_MODEL_CHARS].lower()


def load_examples(path: Path | str = EXAMPLES_PATH) -> list[dict[str, Any]]:
    """The labelled tickets of a JSON Lines file, each checked for the fields used.

    Raises:
        ValueError: a line is not an object with the labels, naming the file and line.
    """
    rows: list[dict[str, Any]] = []
    with Path(path).open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            missing = [k for k in _REQUIRED if not isinstance(row, dict) or k not in row]
            if missing:
                raise ValueError(f"{path}:{number}: missing {', '.join(missing)}")
            if row["priority"] not in LEVELS:
                raise ValueError(
                    f"{path}:{number}: 'priority': expected one of {', '.join(LEVELS)}, "
                    f"got {row['priority']!r}"
                )
            if row["out_of_scope"] and row["oos_reason"] not in EXCLUSION_REASONS:
                raise ValueError(
                    f"{path}:{number}: 'oos_reason': expected one of "
                    f"{', '.join(EXCLUSION_REASONS)}, got {row['oos_reason']!r}"
                )
            rows.append(row)
    return rows


def scope_label(row: Mapping[str, Any]) -> str:
    """A labelled ticket's scope class: its exclusion reason, or :data:`IN_SCOPE`."""
    return str(row["oos_reason"]) if row.get("out_of_scope") else IN_SCOPE


def _per_class(clf: LinearSVC) -> tuple[np.ndarray, np.ndarray]:
    """A linear SVM's weights and intercepts with one row per class: with two classes
    scikit-learn keeps one row, positive for the second class."""
    if clf.coef_.shape[0] == 1 and len(clf.classes_) == 2:
        return np.vstack([-clf.coef_, clf.coef_]), np.array([-clf.intercept_[0], clf.intercept_[0]])
    return clf.coef_, clf.intercept_


@dataclass(frozen=True)
class Leaning:
    """What the model decided and the words that weighed most for it."""

    label: str
    words: tuple[str, ...]
    margin: float
    """How far the chosen label's score is ahead of the runner-up's (or, for scope, of
    in scope): larger is surer."""


class TicketModel:
    """Priority and scope classifiers fitted on labelled tickets (masked text)."""

    def __init__(self, texts: Sequence[str], priorities: Sequence[str], scopes: Sequence[str]):
        """Fit on ``texts`` (masked subject + body) with their labels."""
        docs = [_features_text(t) for t in texts]
        self._words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self._letters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=30_000
        )
        x = hstack([self._words.fit_transform(docs), self._letters.fit_transform(docs)]).tocsr()
        self._word_names = self._words.get_feature_names_out()
        self._n_words = len(self._word_names)
        self._blocks = [
            (v.build_analyzer(), v.vocabulary_, v.idf_) for v in (self._words, self._letters)
        ]
        self._priority = LinearSVC(C=0.5, random_state=0).fit(x, list(priorities))
        # Out-of-scope tickets are one in ten: weigh the classes so the few still count.
        self._scope = LinearSVC(C=0.5, random_state=0, class_weight="balanced").fit(x, list(scopes))

    @classmethod
    def from_examples(cls, rows: Iterable[Mapping[str, Any]]) -> TicketModel:
        """Fit on labelled tickets (``subject``, ``body``, ``priority``, ``out_of_scope``,
        ``oos_reason``), masking their secrets first as :func:`suggest` does."""
        rows = list(rows)
        return cls(
            [masked_text(str(r["subject"]), str(r["body"])) for r in rows],
            [str(r["priority"]) for r in rows],
            [scope_label(r) for r in rows],
        )

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The ticket's features as sorted column indices and values: exactly the row that
        the two vectorizers' ``transform`` would give (a test checks it).

        Computed from the vectorizers' own analyzers, vocabularies and IDF weights: their
        ``transform`` spends about a millisecond per call on checks and sparse-matrix
        plumbing, which a single short text does not need.
        """
        doc = _features_text(text)
        parts_i: list[np.ndarray] = []
        parts_v: list[np.ndarray] = []
        offset = 0
        for analyze, vocabulary, idf in self._blocks:
            counts: dict[int, int] = {}
            for term, n in Counter(analyze(doc)).items():
                column = vocabulary.get(term)
                if column is not None:
                    counts[column] = n
            if counts:
                columns = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
                tf = np.array([counts[c] for c in columns], dtype=np.float64)
                values = (1.0 + np.log(tf)) * idf[columns]
                values /= np.sqrt(np.dot(values, values))
                parts_i.append(columns + offset)
                parts_v.append(values)
            offset += len(idf)
        if not parts_i:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(parts_i), np.concatenate(parts_v)

    def _decide(
        self, text: str, coef: np.ndarray, intercept: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        columns, values = self.vector(text)
        return coef[:, columns] @ values + intercept, columns, values

    def _top_words(
        self, columns: np.ndarray, values: np.ndarray, weights: np.ndarray, count: int
    ) -> tuple[str, ...]:
        # The word n-grams of this ticket that pushed hardest towards the label (letter
        # groups are left out: "ll s" means nothing to a reader).
        in_words = columns < self._n_words
        columns, pushes = columns[in_words], values[in_words] * weights[columns[in_words]]
        out: list[str] = []
        for i in np.argsort(-pushes, kind="stable"):
            if pushes[i] <= 0 or len(out) >= count:
                break
            word = str(self._word_names[columns[i]])
            if _QUOTABLE.search(word) and not any(word in w or w in word for w in out):
                out.append(word)
        return tuple(out)

    def priority(self, text: str, *, words: int = 3) -> Leaning:
        """The priority level for masked ticket text, with the words that weighed most."""
        clf = self._priority
        coef, intercept = _per_class(clf)
        scores, columns, values = self._decide(text, coef, intercept)
        order = np.argsort(-scores, kind="stable")
        best = int(order[0])
        return Leaning(
            label=str(clf.classes_[best]),
            words=self._top_words(columns, values, coef[best], words),
            margin=float(scores[best] - scores[order[1]]),
        )

    def scope(self, text: str, *, words: int = 3) -> Leaning:
        """The likeliest exclusion reason for masked ticket text, with its margin over
        "in scope" (negative: the model finds in scope likelier)."""
        clf = self._scope
        coef, intercept = _per_class(clf)
        scores, columns, values = self._decide(text, coef, intercept)
        classes = list(clf.classes_)
        inside = classes.index(IN_SCOPE)
        best = max((i for i in range(len(classes)) if i != inside), key=lambda i: scores[i])
        return Leaning(
            label=str(classes[best]),
            words=self._top_words(columns, values, coef[best], words),
            margin=float(scores[best] - scores[inside]),
        )

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """Feature rows of ``texts`` through scikit-learn's own ``transform`` (what the
        classifiers were fitted on; :meth:`vector` gives the same row faster)."""
        docs = [_features_text(t) for t in texts]
        return hstack([self._words.transform(docs), self._letters.transform(docs)]).tocsr()


@lru_cache(maxsize=1)
def default_model() -> TicketModel:
    """The model fitted on :data:`EXAMPLES_PATH`, once per process."""
    started = time.perf_counter()
    rows = load_examples(EXAMPLES_PATH)
    model = TicketModel.from_examples(rows)
    log.info(
        "ticket model fitted on %d labelled tickets in %.2f s",
        len(rows),
        time.perf_counter() - started,
    )
    return model

"""The Whoosh schema of the knowledge-base index.

Every article field is stored for display and filtering (``path``, ``url``, ``title``,
``summary``, ``headings``, ``body``, ``keywords``, ``tags``, ``section``, ``audience``).
Ranking uses one more field, ``content``: the analyzed terms of all the text fields
together, each occurrence weighted by the field it came from (:data:`FIELD_WEIGHTS`).
Adding the weights *before* BM25's term-frequency saturation is what BM25F means
(Robertson et al., 2004): a word in the title counts as several in the body, but a
word repeated in the body cannot outweigh everything else.

``top_terms`` stores each article's heaviest terms, for related articles.
``catalog`` is a column of what opening a generation needs about every article (path,
section, boost, content hash) as a small JSON array: reading it costs a few
milliseconds, where reading every stored field (bodies included) cost a fifth of a
second at 2,000 articles.
``words`` stores each article's distinct unstemmed words; their document frequencies
(``vocabulary.json`` in the generation directory) are what spelling correction draws
on. A JSON file rather than an indexed field: indexing them doubled the build time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from whoosh import columns, fields, formats  # type: ignore[import-untyped]
from whoosh.system import pack_uint  # type: ignore[import-untyped]

from search.analysis import KbTokenizer

__all__ = ["FIELD_WEIGHTS", "WeightedTermsField", "make_schema"]

#: How much one occurrence of a term in each field counts, relative to the body.
FIELD_WEIGHTS: Mapping[str, float] = {
    "title": 4.0,
    "keywords": 3.5,
    "questions": 1.0,
    "summary": 2.0,
    "headings": 1.5,
    "tags": 2.0,
    "body": 1.0,
}


class WeightedTermsField(fields.TEXT):  # type: ignore[misc]
    """A scorable text field that also accepts pre-weighted terms.

    Given a mapping ``{term: (frequency, weight)}`` it indexes exactly those terms with
    those weights (the builder computes them field by field); given a string it analyzes
    it like any text field. The weight is the term frequency BM25 sees.
    """

    def __init__(self) -> None:
        super().__init__(analyzer=KbTokenizer(), phrase=False, stored=False)
        self.format = formats.Frequency()

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if isinstance(value, Mapping):
            for term, (freq, weight) in value.items():
                yield term.encode("utf-8"), freq, float(weight), pack_uint(freq)
        else:
            yield from super().index(value, **kwargs)


def make_schema() -> fields.Schema:
    """A fresh schema instance (the analyzer objects are pickled into the index)."""
    text = KbTokenizer()
    return fields.Schema(
        path=fields.ID(stored=True, unique=True),
        url=fields.STORED(),
        title=fields.TEXT(analyzer=text, stored=True, phrase=False),
        summary=fields.STORED(),
        headings=fields.STORED(),
        body=fields.STORED(),
        keywords=fields.STORED(),
        # Scorable, although never scored: Whoosh's writer looks up the length column of
        # every posting, and for a field without one that is a stat() call each time.
        tags=fields.KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        section=fields.ID(stored=True),
        audience=fields.ID(stored=True),
        boost=fields.STORED(),
        related=fields.STORED(),
        catalog=fields.COLUMN(columns.VarBytesColumn()),
        # The index terms of each of the article's questions, one list per question
        # (JSON), for question-level scoring (search.questions).
        question_terms=fields.COLUMN(columns.VarBytesColumn()),
        top_terms=fields.STORED(),
        content=WeightedTermsField(),
        words=fields.STORED(),
    )

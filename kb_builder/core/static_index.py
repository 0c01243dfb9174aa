"""What Material's static search index (``search/search_index.json``) gets from articles.

On a host without our API, Material's own search (lunr, in the browser) answers the search
box from that file, which holds only each page's title, text and tags. Customers search in
their own words ("mail comes back"), which articles keep in ``keywords`` and ``questions``,
and in the words of ``search/synonyms.yml`` (our search's hosting synonyms). This module
adds both to each article's page entry, as fields of their own that Material's worker
indexes with the boosts it finds in the index's ``config.fields``:

- ``keywords``: the article's ``keywords`` and ``questions``;
- ``synonyms``: every phrase of each synonym group that the article's title, summary,
  headings, keywords or questions contain (found with our search's own analysis, so
  "mail bounces" counts for the group of "bounce").

Material shows a result's title, text and tags only: the added fields are searched, never
shown. The article's ``search_boost`` becomes the entry's ``boost`` (Material's
``search.boost``), unless the page sets that itself.

lunr has no typo tolerance (only an explicit ``~1`` in the query, which Material's query
transform never adds): a misspelt word finds nothing here, and only the API corrects it.
Nothing here imports MkDocs: it works on the index's JSON.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb_builder.core.articles import Article
from search.analysis import SynonymGroup, TermKind, analyze, load_synonyms

__all__ = [
    "FIELD_BOOSTS",
    "StaticTerms",
    "add_to_file",
    "add_to_index",
    "article_terms",
    "static_terms",
]

FIELD_BOOSTS: dict[str, float] = {"keywords": 1e6, "synonyms": 1e3}
"""lunr boosts of the added fields. Material weighs a page's tags 1,000,000, its title
1,000 and its text 1: an article's customer phrasings weigh as its tags (both say what the
article is about; below that, every query word that is a tag name outranks them), and a
synonym of its subject as a word of its title. ``bench/relevance.py`` measures them. A
site's own ``plugins: search: fields:`` setting of a field wins."""


@dataclass(frozen=True)
class StaticTerms:
    """What one article adds to its entry in Material's index."""

    keywords: tuple[str, ...]
    """The article's ``keywords`` and ``questions``."""
    synonyms: tuple[str, ...]
    """Phrases of the synonym groups the article's own words belong to."""
    boost: float = 1.0
    """The article's ``search_boost``."""


def static_terms(
    *,
    title: str,
    summary: str = "",
    headings: Iterable[str] = (),
    keywords: Iterable[str] = (),
    questions: Iterable[str] = (),
    boost: float = 1.0,
    groups: Iterable[SynonymGroup] | None = None,
) -> StaticTerms:
    """The :class:`StaticTerms` of an article with these front-matter values."""
    phrasings = tuple(dict.fromkeys(p for p in (*keywords, *questions) if p.strip()))
    # What the article is about (not every word of its text: an article that mentions a
    # bounce in passing is not about bounces).
    about = "\n".join((title, summary, *headings, *phrasings))
    found = {t.term for t in analyze(about) if t.kind is TermKind.SYNONYM}
    synonyms: list[str] = []
    for group in load_synonyms() if groups is None else groups:
        if group.term in found:
            synonyms.extend(group.phrases)
    return StaticTerms(phrasings, tuple(dict.fromkeys(synonyms)), boost)


def article_terms(article: Article) -> StaticTerms:
    """The :class:`StaticTerms` of one article of ``docs/``."""
    return static_terms(
        title=article.title,
        summary=article.summary,
        headings=[h.text for h in article.headings],
        keywords=article.keywords,
        questions=article.questions,
        boost=article.search_boost,
    )


def add_to_file(path: Path, terms_by_url: Mapping[str, StaticTerms]) -> int:
    """:func:`add_to_index` on the ``search_index.json`` at ``path``, rewritten in place."""
    index = json.loads(path.read_text(encoding="utf-8"))
    changed = add_to_index(index, terms_by_url)
    path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
    return changed


def add_to_index(index: dict[str, Any], terms_by_url: Mapping[str, StaticTerms]) -> int:
    """Add each article's terms to its page entry of Material's ``index`` (the parsed
    ``search_index.json``, changed in place); returns how many entries got some.

    ``terms_by_url`` is keyed by page URL as Material's ``location`` gives it
    (``email/quota/``); section entries (``email/quota/#symptoms``) are left as they are.
    """
    fields = index.setdefault("config", {}).setdefault("fields", {})
    for name, boost in FIELD_BOOSTS.items():
        fields.setdefault(name, {"boost": boost})
    changed = 0
    for entry in index.get("docs") or []:
        terms = terms_by_url.get(str(entry.get("location", "")))
        if terms is None:
            continue
        touched = False
        for name, values in (("keywords", terms.keywords), ("synonyms", terms.synonyms)):
            if values:
                # Material's worker may put these through its highlighter: keep them text.
                entry[name] = html.escape(" \n".join(values), quote=False)
                touched = True
        if terms.boost != 1.0 and "boost" not in entry:
            entry["boost"] = terms.boost
            touched = True
        changed += touched
    return changed

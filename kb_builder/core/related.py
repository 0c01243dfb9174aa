"""An article's "Related articles": which articles, in which order.

The rule itself (declared first, then nearest by content) is
:func:`search.related.declared_first`, the one the engine answers with; here it is applied
to the articles a page may link to, and every declared article is shown even beyond the
limit (the author asked for each one).
"""

from __future__ import annotations

from collections.abc import Iterable

from kb_builder.core.articles import Article
from kb_builder.core.site import Site
from search.related import declared_first

__all__ = ["related_articles"]


def related_articles(
    article: Article, site: Site, nearest: Iterable[str], *, limit: int
) -> list[Article]:
    """The articles ``article``'s page lists as related.

    Args:
        article: The page's article.
        site: The site; only its published articles are listed.
        nearest: Paths the index found nearest by content (empty without an index).
        limit: The plugin's ``related_limit``; the declared articles count against it but
            are never cut by it.
    """
    published = {a.rel_path: a for a in site.published()}
    paths = declared_first(
        article.rel_path,
        article.related,
        nearest,
        limit=max(limit, len(article.related)),
        known=published,
    )
    return [published[p] for p in paths]

"""Options of the ``kb`` MkDocs plugin (``plugins: [kb: {...}]`` in ``mkdocs.yml``).

Each option's docstring is its reference; ``manual/plugin-options.md`` documents them all
and a test keeps the two in step.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from kb_builder.core.articles import DEFAULT_SECTIONS
from search import DEFAULT_INDEX_DIR

__all__ = ["KnowledgeBaseConfig"]


class KnowledgeBaseConfig(base.Config):
    sections = c.ListOfItems(c.Type(str), default=list(DEFAULT_SECTIONS))
    """Section folders under ``docs/``, in navigation order. Each has an ``index.md``."""

    index_dir = c.Type(str, default=DEFAULT_INDEX_DIR)
    """Where the search index is written, relative to ``mkdocs.yml``."""

    review_after_days = c.Type(int, default=365)
    """``last_reviewed`` older than this many days is a warning; 0 turns the check off."""

    related_limit = c.Type(int, default=5)
    """How many articles the "Related articles" list shows at most."""

    section_sidebar_limit = c.Type(int, default=8)
    """How many other articles of its section an article page lists at most."""

    sidebar_limit = c.Type(int, default=20)
    """How many articles of its section an article's sidebar lists at most: the ones
    around it in title order, with a link to the section's full list when there are more.
    Bounded so that page size and build time stay linear in the number of articles; 0
    leaves the list out."""

    popular_limit = c.Type(int, default=5)
    """How many entries the "Most viewed" and "Recently updated" lists show."""

    atomic = c.Type(bool, default=True)
    """Build into a temporary directory and replace ``site/`` only when the build succeeds."""

    search_index = c.Type(bool, default=True)
    """Build the Whoosh search index (and the related-articles lists) with the site."""

    widgets = c.Type(bool, default=True)
    """Add our scripts and styles (search box, feedback, ticket widget) to every page."""

    ticket_url = c.Type(str, default="support/open-a-ticket/")
    """The host's ticket form, linked as "Open a ticket" when a reader answers No under an
    article: relative to the site root or absolute (``https://billing.example.com/
    submitticket.php?step=2&deptid=1``). The link adds ``subject`` and ``message``
    parameters naming the article's title and URL; WHMCS fills its fields from them, and
    the widget fills empty fields from them on any other form."""

    show_views = c.Type(bool, default=False)
    """Show the article's public view count ("Views: 120") under "Was this article
    helpful?". Off: views are still counted, for "Most viewed" and ``kb report``."""

    api = c.Type(bool, default=True)
    """Serve the HTTP API under ``/api`` from ``kb serve`` / ``mkdocs serve``."""

    database_url = c.Optional(c.Type(str))
    """Database for votes, views and events; default: SQLite at ``.kb/kb.sqlite3``."""

    cors_origins = c.ListOfItems(c.Type(str), default=[])
    """Origins of ticket forms allowed to call the API from another site."""

    allowed_hosts = c.ListOfItems(c.Type(str), default=[])
    """Hosts articles may load images from; by default none (the site's own files only)."""

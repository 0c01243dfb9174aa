"""Build-time side of the knowledge base: the ``kb`` MkDocs plugin, articles, checks, CLI."""

from __future__ import annotations

from kb_builder.core.articles import Article, load_articles
from kb_builder.core.checks import CheckOptions, check_articles
from kb_builder.core.problems import Problem, Severity

__all__ = ["Article", "CheckOptions", "Problem", "Severity", "check_articles", "load_articles"]

"""Build-time side of the knowledge base: the ``kb`` MkDocs plugin, articles, checks, CLI."""

from __future__ import annotations

from kb_builder.articles import Article, load_articles
from kb_builder.checks import CheckOptions, check_articles
from kb_builder.problems import Problem, Severity

__all__ = ["Article", "CheckOptions", "Problem", "Severity", "check_articles", "load_articles"]

"""``kb report``: feedback, deflection and content gaps, as text, JSON or one HTML page.

::

    from kb_feedback.report import build_report, render_html, render_text

    report = build_report("sqlite:///.kb/kb.sqlite3", days=30)
    print(render_text(report))       # or report.to_json(), render_html(report)

The report reads the database through :mod:`kb_feedback.storage`; it needs no server.
Draft articles for its content gaps are written at build time, by
:func:`kb_builder.core.gaps.write_gap_stubs`.
"""

from __future__ import annotations

from kb_feedback.report.html import render_html
from kb_feedback.report.model import (
    ArticleDeflection,
    ArticleFeedback,
    ArticleViews,
    Funnel,
    Gap,
    Report,
    build_report,
    normalize_query,
)
from kb_feedback.report.text import render_text

__all__ = [
    "ArticleDeflection",
    "ArticleFeedback",
    "ArticleViews",
    "Funnel",
    "Gap",
    "Report",
    "build_report",
    "normalize_query",
    "render_html",
    "render_text",
]

"""``kb report``: feedback, deflection and content gaps, as text, JSON or one HTML page.

::

    from kb_api.report import build_report, write_gap_stubs

    report = build_report("sqlite:///.kb/kb.sqlite3", days=30)
    print(report.to_text())          # or .to_json(), .to_html()
    write_gap_stubs(report, Path("docs"), limit=5)

The report reads the database through :mod:`kb_api.storage`; it needs no server.
"""

from __future__ import annotations

from kb_api.report.gaps import gap_stub, write_gap_stubs
from kb_api.report.model import (
    ArticleDeflection,
    ArticleFeedback,
    ArticleViews,
    Funnel,
    Gap,
    Report,
    build_report,
    normalize_query,
)

__all__ = [
    "ArticleDeflection",
    "ArticleFeedback",
    "ArticleViews",
    "Funnel",
    "Gap",
    "Report",
    "build_report",
    "gap_stub",
    "normalize_query",
    "write_gap_stubs",
]

"""``kb report`` on a loaded ``mkdocs.yml``: the feedback report with the articles' titles
from ``docs/``, and draft articles for its top content gaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kb_builder.building import load_site, site_sections
from kb_feedback.report import Report, build_report

__all__ = ["report_for_site", "write_gap_drafts"]


def report_for_site(config: Any, database_url: str, *, days: int, limit: int) -> Report:
    """The report of ``database_url``, its articles named by their titles in ``docs/``.

    Raises:
        kb_feedback.storage.StorageError: the database cannot be read.
    """
    titles = {a.rel_path: a.title for a in load_site(config).articles}
    return build_report(database_url, days=days, limit=limit, titles=titles)


def write_gap_drafts(config: Any, report: Report, index_dir: Path) -> list[Path]:
    """A draft article for each top gap of ``report`` (never overwrites); the index, when
    there is one, says which existing articles come close."""
    import search
    from kb_builder.core.gaps import write_gap_stubs

    try:
        kb = search.open_index(index_dir)
    except search.IndexNotFound:
        kb = None
    return write_gap_stubs(report, Path(config.docs_dir), kb=kb, sections=site_sections(config))

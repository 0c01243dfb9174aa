"""``kb report`` on a loaded ``mkdocs.yml``: the feedback report with the articles' titles
from ``docs/``, its content gaps judged against the published index, and draft articles
for the top gaps."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb_builder.building import load_site, site_sections
from kb_feedback.report import Report, build_report
from kb_feedback.report.model import without_index

if TYPE_CHECKING:
    from search import KnowledgeBase

__all__ = ["open_published_index", "report_for_site", "write_gap_drafts"]

log = logging.getLogger(__name__)


def open_published_index(index_dir: Path) -> KnowledgeBase | None:
    """The published index, or None (then searches nobody clicked are left out of gaps)."""
    import search

    try:
        return search.open_index(index_dir)
    except search.IndexNotFound:
        return None


def report_for_site(
    config: Any,
    database_url: str,
    *,
    days: int,
    limit: int,
    gap_limit: int,
    min_votes: int,
    kb: KnowledgeBase | None,
) -> Report:
    """The report of ``database_url``, its articles named by their titles in ``docs/``;
    with ``kb``, a search nobody clicked is a gap only if no published article answers it.

    Raises:
        kb_feedback.storage.StorageError: the database cannot be read.
    """
    from kb_builder.core.gaps import gap_judge

    titles = {a.rel_path: a.title for a in load_site(config).articles}
    return build_report(
        database_url,
        days=days,
        limit=limit,
        gap_limit=gap_limit,
        min_votes=min_votes,
        judge=gap_judge(kb) if kb is not None else without_index,
        titles=titles,
    )


def write_gap_drafts(config: Any, report: Report, kb: KnowledgeBase | None) -> list[Path]:
    """A draft article for each top gap of ``report`` (never overwrites); the index, when
    there is one, says which existing articles come close."""
    from kb_builder.core.gaps import write_gap_stubs

    return write_gap_stubs(report, Path(config.docs_dir), kb=kb, sections=site_sections(config))

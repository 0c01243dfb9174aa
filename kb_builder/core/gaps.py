"""``kb report --gaps``: a draft article for each top content gap, for an author to finish.

Each stub has its front matter filled (title from the question, a summary saying how
often it was asked, the section as tag, every wording as keywords, ``draft: true``) so
that ``kb check`` accepts it and ``kb build`` leaves it out until an author finishes it
in a pull request. Existing files are never overwritten.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kb_builder.core.scaffold import slugify
from kb_feedback.report.model import Report

if TYPE_CHECKING:
    from search.knowledge_base import KnowledgeBase

__all__ = ["gap_stub", "write_gap_stubs"]

log = logging.getLogger(__name__)

KEYWORDS_MAX = 10

_BODY = """
## Symptoms

Customers asked: {asked}

TODO: what the customer sees, in their words, with the exact error text.

## Steps

1. TODO
2. TODO

## Still stuck?

Open a ticket with the domain, the account username, the exact error and when it happened.
Never put a password or your Support PIN in a ticket.
"""


def gap_stub(
    query: str, count: int, variants: tuple[str, ...], *, section: str, days: int, today: dt.date
) -> str:
    """The text of a draft article answering ``query``."""
    title = query.strip()
    title = title[:1].upper() + title[1:]
    front: dict[str, Any] = {
        "title": title,
        "summary": f"TODO: answer “{query[:80]}”, asked {count} times in {days} days "
        "without a good answer.",
        "tags": [section],
        "keywords": list(dict.fromkeys(v.strip() for v in variants if v.strip()))[:KEYWORDS_MAX],
        "audience": "both",
        "last_reviewed": today,
        "owner": "support-team",
        "related": [],
        "draft": True,
    }
    asked = "; ".join(f"“{v}”" for v in front["keywords"]) or f"“{query}”"
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{header}---\n{_BODY.format(asked=asked)}"


def write_gap_stubs(
    report: Report,
    docs_dir: Path,
    *,
    limit: int = 5,
    section: str = "support",
    kb: KnowledgeBase | None = None,
    sections: tuple[str, ...] = (),
    today: dt.date | None = None,
) -> list[Path]:
    """Write ``docs/<section>/<slug>.md`` for each of the report's top ``limit`` gaps.

    Args:
        section: Where stubs go when no better section is known.
        kb: A :class:`search.KnowledgeBase`; when given, each stub goes to the section
            of the article that search ranks first for the question (if that section
            is in ``sections``).
        sections: The site's section folders.

    Returns:
        The files written; gaps whose file already exists are skipped (and logged).
    """
    written: list[Path] = []
    for gap in report.gaps[:limit]:
        target = section
        if kb is not None:
            hits = kb.query(gap.query, limit=1).hits
            guess = hits[0].path.split("/", 1)[0] if hits else None
            if guess and guess in sections:
                target = guess
        path = docs_dir / target / f"{slugify(gap.query, max_chars=60, default='gap')}.md"
        text = gap_stub(
            gap.query,
            gap.count,
            gap.variants,
            section=target,
            days=report.days,
            today=today or report.until,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8") as f:
                f.write(text)
        except FileExistsError:
            log.info("gap stub skipped, %s exists", path)
            continue
        log.info("wrote gap stub %s (%d times: %r)", path, gap.count, gap.query)
        written.append(path)
    return written

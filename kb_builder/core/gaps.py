"""``kb report --gaps``: which questions no published article answers, and a draft
article for each of the top ones, for an author to finish.

A gap is a need no published article answers: searches with zero results, tickets filed
anyway, or searches nobody clicked whose best result scores low in today's index.
Misspelt wordings count with their correction (the one search offers), and questions
that share no word with the knowledge base nor with hosting go to an "off-topic" list.

Each draft has its front matter filled (a title made from the question's words, a
summary saying how often it was asked, the section as tag, the wordings as keywords,
``draft: true``) so that ``kb check`` accepts it and ``kb build`` leaves it out until an
author finishes it in a pull request. What a visitor typed is never copied into markup:
the front matter holds its plain words only, and the body quotes it as escaped text.
Existing files are never overwritten.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kb_builder.core.scaffold import slugify
from kb_feedback.report.model import Gap, GapJudge, Report, normalize_query

if TYPE_CHECKING:
    from search.knowledge_base import KnowledgeBase

__all__ = ["LOW_SCORE", "gap_judge", "gap_stub", "plain_words", "write_gap_stubs"]

log = logging.getLogger(__name__)

KEYWORDS_MAX = 10

LOW_SCORE = 3.0
"""A best result scoring below this (BM25) does not answer a search nobody clicked.
Answers the shipped knowledge base gives score 4 to 12; a corrected typo's scores 1 to 2,
which is why typos are judged by their correction."""

HOSTING_TERMS = Path(__file__).with_name("hosting_terms.txt")
"""Words that make a question on-topic although no article has them yet (data file)."""

_WORD = re.compile(r"\w+")


def _hosting_terms() -> frozenset[str]:
    lines = HOSTING_TERMS.read_text(encoding="utf-8").splitlines()
    return frozenset(
        w.casefold() for line in lines if not line.startswith("#") for w in line.split()
    )


def gap_judge(kb: KnowledgeBase, *, low_score: float = LOW_SCORE) -> GapJudge:
    """A judge for :func:`kb_feedback.report.build_report` that asks ``kb``."""
    terms = _hosting_terms()

    def judge(candidates: list[Gap]) -> tuple[list[Gap], list[Gap]]:
        # Merge each wording with the correction search offers for it.
        merged: dict[str, list[Gap]] = {}
        corrections: dict[str, str] = {}
        for g in candidates:
            results = kb.query(g.query, limit=1)
            key = normalize_query(results.did_you_mean or g.query) or normalize_query(g.query)
            if results.did_you_mean:
                corrections[key] = results.did_you_mean
            merged.setdefault(key, []).append(g)
        gaps, off_topic = [], []
        for key, group in merged.items():
            gap = _merge(group, corrections.get(key))
            hits = kb.query(gap.query, limit=1).hits
            if not hits and not terms & {w.casefold() for w in _WORD.findall(gap.query)}:
                off_topic.append(gap)
            elif gap.tickets or not hits:
                gaps.append(gap)
            elif hits[0].score >= low_score or _names(hits[0].title, hits[0].summary, gap.query):
                log.debug("answered: %r (best %s, %.2f)", gap.query, hits[0].path, hits[0].score)
            else:
                gaps.append(gap)
        return gaps, off_topic

    return judge


_STOP = frozenset(
    "a an and are can cannot does for from how into is it its my not of on or our the to "
    "use using what when where why will with you your".split()
)


def _names(title: str, summary: str, query: str) -> bool:
    """Whether an article's title and summary name every word of ``query``: its score can
    be low when the words are common (``cpanel password``) and it still answers."""
    have = [w.casefold() for w in _WORD.findall(f"{title} {summary}")]
    wanted = [w.casefold() for w in _WORD.findall(query)]
    wanted = [w for w in wanted if len(w) > 1 and w not in _STOP]
    return bool(wanted) and all(any(h.startswith(w[:5]) for h in have) for w in wanted)


def _merge(group: list[Gap], correction: str | None) -> Gap:
    if len(group) == 1 and correction is None:
        return group[0]
    sources: Counter[str] = Counter()
    wordings: Counter[str] = Counter()
    for g in group:
        sources.update(g.sources)
        wordings[g.query] += g.count
        for v in g.variants:
            wordings.setdefault(v, 0)
    # Shown as the correction when one is known: it is how an article would say it.
    query = correction or wordings.most_common(1)[0][0]
    variants = [w for w, _ in wordings.most_common()]
    if correction and correction not in variants:
        variants.insert(0, correction)
    return Gap(query, sum(sources.values()), dict(sources), tuple(variants))


_MARKUP = re.compile(r"[^\w\s.,'?/@+()-]+")
_EDGES = " .,:;'?/@+-_"


def plain_words(text: str) -> str:
    """What of a visitor's query can stand in front matter: words and plain punctuation,
    no markup, brackets, placeholders or YAML indicators (``'<svg/onload=x>'`` →
    ``'svg/onload x'``)."""
    plain = " ".join(_MARKUP.sub(" ", text).split())
    return plain.strip(_EDGES)


def _quoted(text: str) -> str:
    """``text`` as Markdown that renders it literally: every character that Markdown,
    HTML, placeholders or front matter could read as syntax is a character reference."""
    return "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in text)


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
    query: str,
    count: int,
    variants: tuple[str, ...],
    *,
    section: str,
    days: int,
    today: dt.date,
    title: str | None = None,
) -> str:
    """The text of a draft article answering ``query`` (``title``: from its words)."""
    words = plain_words(query)
    if title is None:
        title = words[:1].upper() + words[1:] if words else "Unanswered question"
    keywords = [plain_words(v) for v in variants]
    quoted = words[:80] or "a question"
    front: dict[str, Any] = {
        "title": title,
        "summary": f"TODO: answer “{quoted}”, asked {count} times in {days} days "
        "without a good answer.",
        "tags": [section],
        "keywords": list(dict.fromkeys(k for k in keywords if k))[:KEYWORDS_MAX],
        "audience": "both",
        "last_reviewed": today,
        "owner": "support-team",
        "related": [],
        "draft": True,
    }
    asked = "; ".join(f"“{_quoted(v.strip())}”" for v in variants[:KEYWORDS_MAX] if v.strip())
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
    from kb_builder.core.articles import load_articles

    written: list[Path] = []
    titles = {a.title.casefold() for a in load_articles(docs_dir)} if docs_dir.is_dir() else set()
    for gap in report.gaps[:limit]:
        target = section
        if kb is not None:
            hits = kb.query(gap.query, limit=1).hits
            guess = hits[0].path.split("/", 1)[0] if hits else None
            if guess and guess in sections:
                target = guess
        words = plain_words(gap.query)
        title = words[:1].upper() + words[1:] if words else "Unanswered question"
        if title.casefold() in titles:
            # A second article of that title would fail kb check; that one (or the draft
            # of an earlier run) is where the answer goes.
            log.info("gap stub skipped, an article is titled %r", title)
            continue
        path = docs_dir / target / f"{slugify(title, max_chars=60, default='gap')}.md"
        text = gap_stub(
            gap.query,
            gap.count,
            gap.variants,
            section=target,
            days=report.days,
            today=today or report.until,
            title=title,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8") as f:
                f.write(text)
        except FileExistsError:
            log.info("gap stub skipped, %s exists", path)
            continue
        log.info("wrote gap stub %s (%d times: %r)", path, gap.count, gap.query)
        titles.add(title.casefold())
        written.append(path)
    return written

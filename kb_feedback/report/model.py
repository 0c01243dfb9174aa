"""What ``kb report`` shows, read from the feedback database into plain data.

:func:`build_report` runs a handful of aggregate queries over one window of days and
returns a :class:`Report`; rendering (:func:`~kb_feedback.report.render_text`,
:func:`~kb_feedback.report.render_html`) and gap stubs (:mod:`kb_builder.core.gaps`) work
from that object alone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, case, func, select
from sqlalchemy.exc import SQLAlchemyError

from kb_feedback.storage import StorageError, make_engine, utc_today
from kb_feedback.storage.migrations import current_version
from kb_feedback.storage.schema import events, view_counts, votes

__all__ = [
    "GAP_SOURCES",
    "ArticleDeflection",
    "ArticleFeedback",
    "ArticleViews",
    "Funnel",
    "Gap",
    "GapJudge",
    "Report",
    "build_report",
    "normalize_query",
    "rank_gaps",
    "without_index",
]

GAP_SOURCES = ("search_no_results", "search_no_click", "ticket_filed")
"""Events whose query may be a question the knowledge base did not answer."""

GAP_LIMIT = 10
"""Rows of the content-gaps table, unless ``kb report --gap-limit`` says otherwise."""

MIN_VOTES = 5
"""Votes below which a share of votes is not shown (one vote is not a rate)."""

COMMENTS_PER_ARTICLE = 5


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Funnel:
    """The deflection funnel of the ticket form, in order."""

    suggestions_shown: int
    suggestion_opened: int
    deflected: int
    ticket_filed: int

    @property
    def deflection_rate(self) -> float | None:
        """Solved among the customers who were shown suggestions."""
        return _rate(self.deflected, self.suggestions_shown)

    def stages(self) -> list[tuple[str, int]]:
        return [
            ("Suggestions shown", self.suggestions_shown),
            ("Article opened", self.suggestion_opened),
            ("Solved (deflected)", self.deflected),
            ("Filed anyway", self.ticket_filed),
        ]


@dataclass(frozen=True)
class ArticleDeflection:
    """How often an article opened from a suggestion solved the problem."""

    path: str
    title: str
    opened: int
    deflected: int
    filed: int

    @property
    def rate(self) -> float | None:
        """Deflected per opening (None when never opened from a suggestion)."""
        return _rate(self.deflected, max(self.opened, self.deflected))


@dataclass(frozen=True)
class ArticleViews:
    """An article's views and votes in the window."""

    path: str
    title: str
    views: int
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class ArticleFeedback:
    """An article readers found unhelpful, with what they said was missing."""

    path: str
    title: str
    helpful: int
    not_helpful: int
    comments: tuple[str, ...] = ()

    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    def unhelpful_share(self, min_votes: int = MIN_VOTES) -> float | None:
        """Share of "not helpful" votes; None below ``min_votes`` votes."""
        return self.not_helpful / self.votes if self.votes >= max(min_votes, 1) else None


@dataclass(frozen=True)
class Gap:
    """A question asked again and again without a good answer."""

    query: str
    """The most frequent wording."""
    count: int
    sources: Mapping[str, int] = field(default_factory=dict)
    """Occurrences per event type (see :data:`GAP_SOURCES`)."""
    variants: tuple[str, ...] = ()
    """Every wording seen, most frequent first."""

    @property
    def zero_results(self) -> int:
        return self.sources.get("search_no_results", 0)

    @property
    def no_click(self) -> int:
        return self.sources.get("search_no_click", 0)

    @property
    def tickets(self) -> int:
        return self.sources.get("ticket_filed", 0)


GapJudge = Callable[[list["Gap"]], tuple[list["Gap"], list["Gap"]]]
"""Sorts candidate gaps into (gaps, off-topic), merging wordings of one need; the report
is built without the search index, so ``kb report`` passes one that uses it
(:func:`kb_builder.core.gaps.gap_judge`)."""


def without_index(candidates: list[Gap]) -> tuple[list[Gap], list[Gap]]:
    """The judge when there is no index: a search nobody clicked may well have been
    answered, so only zero results and tickets filed anyway count."""
    return [g for g in candidates if g.zero_results or g.tickets], []


def rank_gaps(gaps: list[Gap]) -> list[Gap]:
    """Most asked first; at equal counts, more zero-result searches first."""
    return sorted(gaps, key=lambda g: (-g.count, -g.zero_results, normalize_query(g.query)))


@dataclass(frozen=True)
class Report:
    """Feedback and deflection over the days ``since`` .. ``until`` (inclusive)."""

    since: dt.date
    until: dt.date
    funnel: Funnel
    deflection: list[ArticleDeflection]
    top_viewed: list[ArticleViews]
    least_helpful: list[ArticleFeedback]
    gaps: list[Gap]
    off_topic: list[Gap] = field(default_factory=list)
    """Questions far from hosting: nothing for an author to write."""
    min_votes: int = MIN_VOTES
    """Shares of votes are shown from this many votes on."""

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` (rates included, dates as ISO strings)."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "days": self.days,
            "funnel": {**asdict(self.funnel), "deflection_rate": self.funnel.deflection_rate},
            "deflection": [{**asdict(a), "rate": a.rate} for a in self.deflection],
            "top_viewed": [asdict(a) for a in self.top_viewed],
            "least_helpful": [
                {
                    **asdict(a),
                    "comments": list(a.comments),
                    "unhelpful_share": a.unhelpful_share(self.min_votes),
                }
                for a in self.least_helpful
            ],
            "gaps": [_gap_dict(g) for g in self.gaps],
            "off_topic": [_gap_dict(g) for g in self.off_topic],
            "min_votes": self.min_votes,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def _gap_dict(g: Gap) -> dict[str, Any]:
    return {**asdict(g), "sources": dict(g.sources), "variants": list(g.variants)}


_PUNCT = re.compile(r"[^\w\s.@:/-]+")
_SPACE = re.compile(r"\s+")


def normalize_query(query: str) -> str:
    """The key queries are grouped by: case, punctuation and spacing ignored."""
    return _SPACE.sub(" ", _PUNCT.sub(" ", query.casefold())).strip(" .")


def build_report(
    database_url: str,
    *,
    days: int = 30,
    limit: int = 10,
    gap_limit: int = GAP_LIMIT,
    min_votes: int = MIN_VOTES,
    judge: GapJudge = without_index,
    titles: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> Report:
    """Read the last ``days`` days (up to ``today``, UTC) of feedback.

    Args:
        database_url: The feedback database (never created or migrated here).
        limit: Rows per ranking.
        gap_limit: Rows of the content gaps (and of the off-topic questions).
        min_votes: Fewer votes than this show counts but no share.
        judge: Decides which candidates are gaps (see :data:`GapJudge`).
        titles: Article titles by path, for display; paths are shown otherwise.

    Raises:
        StorageError: there is no feedback database, or it cannot be read.
    """
    if days < 1:
        raise ValueError(f"expected a number of days >= 1, got {days}")
    until = today or utc_today()
    since = until - dt.timedelta(days=days - 1)
    names = dict(titles or {})
    engine = make_engine(database_url, create=False)
    try:
        with engine.connect() as conn:
            if current_version(conn) == 0:
                raise StorageError(
                    "the feedback database is empty: the API creates its tables on start"
                )
            gaps, off_topic = judge(_gap_candidates(conn, since))
            return Report(
                since=since,
                until=until,
                funnel=_funnel(conn, since),
                deflection=_deflection(conn, since, names, limit),
                top_viewed=_top_viewed(conn, since, names, limit),
                least_helpful=_least_helpful(conn, since, names, limit, min_votes),
                gaps=rank_gaps(gaps)[:gap_limit],
                off_topic=rank_gaps(off_topic)[:gap_limit],
                min_votes=min_votes,
            )
    except SQLAlchemyError as e:
        raise StorageError(f"cannot read the feedback database: {e}") from e
    finally:
        engine.dispose()


def _funnel(conn: Connection, since: dt.date) -> Funnel:
    counts: dict[str, int] = dict(
        conn.execute(
            select(events.c.type, func.count()).where(events.c.day >= since).group_by(events.c.type)
        ).all()
    )
    return Funnel(
        suggestions_shown=int(counts.get("suggestions_shown", 0)),
        suggestion_opened=int(counts.get("suggestion_opened", 0)),
        deflected=int(counts.get("deflected", 0)),
        ticket_filed=int(counts.get("ticket_filed", 0)),
    )


def _deflection(
    conn: Connection, since: dt.date, titles: Mapping[str, str], limit: int
) -> list[ArticleDeflection]:
    def n(kind: str) -> Any:
        return func.sum(case((events.c.type == kind, 1), else_=0))

    rows = conn.execute(
        select(events.c.path, n("suggestion_opened"), n("deflected"), n("ticket_filed"))
        .where(
            events.c.day >= since,
            events.c.path.is_not(None),
            events.c.type.in_(("suggestion_opened", "deflected", "ticket_filed")),
        )
        .group_by(events.c.path)
    ).all()
    found = [
        ArticleDeflection(path, titles.get(path, path), int(o or 0), int(d or 0), int(f or 0))
        for path, o, d, f in rows
    ]
    found.sort(key=lambda a: (-(a.rate or 0.0), -a.opened, a.path))
    return found[:limit]


def _top_viewed(
    conn: Connection, since: dt.date, titles: Mapping[str, str], limit: int
) -> list[ArticleViews]:
    total = func.sum(view_counts.c.views)
    rows = conn.execute(
        select(view_counts.c.path, total)
        .where(view_counts.c.day >= since)
        .group_by(view_counts.c.path)
        .order_by(total.desc(), view_counts.c.path)
        .limit(limit)
    ).all()
    tallies = _vote_tallies(conn, since, [path for path, _ in rows])
    return [
        ArticleViews(path, titles.get(path, path), int(n), *tallies.get(path, (0, 0)))
        for path, n in rows
    ]


def _vote_tallies(
    conn: Connection, since: dt.date, paths: list[str] | None = None
) -> dict[str, tuple[int, int]]:
    query = (
        select(
            votes.c.path,
            func.sum(case((votes.c.helpful, 1), else_=0)),
            func.sum(case((votes.c.helpful, 0), else_=1)),
        )
        .where(votes.c.day >= since)
        .group_by(votes.c.path)
    )
    if paths is not None:
        query = query.where(votes.c.path.in_(paths))
    return {path: (int(h or 0), int(u or 0)) for path, h, u in conn.execute(query)}


def _least_helpful(
    conn: Connection, since: dt.date, titles: Mapping[str, str], limit: int, min_votes: int
) -> list[ArticleFeedback]:
    tallies = {p: t for p, t in _vote_tallies(conn, since).items() if t[1] > 0}

    def rank(path: str) -> tuple[int, float, int, int, str]:
        helpful, unhelpful = tallies[path]
        # A share needs enough votes to mean something: those articles come first, by
        # share; the rest by their count of "not helpful" votes.
        if helpful + unhelpful >= min_votes:
            return (0, -unhelpful / (helpful + unhelpful), -unhelpful, helpful, path)
        return (1, 0.0, -unhelpful, helpful, path)

    ranked = sorted(tallies, key=rank)[:limit]
    comments: dict[str, list[str]] = defaultdict(list)
    if ranked:
        for path, comment in conn.execute(
            select(votes.c.path, votes.c.comment)
            .where(
                votes.c.day >= since,
                votes.c.path.in_(ranked),
                votes.c.helpful.is_(False),
                votes.c.comment.is_not(None),
            )
            .order_by(votes.c.day.desc())
        ):
            if len(comments[path]) < COMMENTS_PER_ARTICLE:
                comments[path].append(comment)
    return [
        ArticleFeedback(path, titles.get(path, path), *tallies[path], tuple(comments[path]))
        for path in ranked
    ]


def _gap_candidates(conn: Connection, since: dt.date) -> list[Gap]:
    rows = conn.execute(
        select(events.c.type, events.c.query, func.count())
        .where(
            events.c.day >= since,
            events.c.type.in_(GAP_SOURCES),
            events.c.query.is_not(None),
        )
        .group_by(events.c.type, events.c.query)
    ).all()
    wordings: dict[str, Counter[str]] = defaultdict(Counter)
    sources: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, query, n in rows:
        key = normalize_query(query)
        if not key:
            continue
        wordings[key][query.strip()] += int(n)
        sources[key][kind] += int(n)
    gaps = [
        Gap(
            query=wordings[key].most_common(1)[0][0],
            count=sum(sources[key].values()),
            sources={k: sources[key][k] for k in GAP_SOURCES if sources[key][k]},
            variants=tuple(w for w, _ in wordings[key].most_common()),
        )
        for key in wordings
    ]
    return rank_gaps(gaps)

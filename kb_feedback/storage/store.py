"""The feedback store: votes, views and events, written in short upsert transactions.

Every write is one short transaction whose first statement is a write (an ``INSERT ...
ON CONFLICT``), which is what keeps counts exact when several processes write at once:
SQLite serialises the writers (WAL, ``busy_timeout``), PostgreSQL's upserts are atomic
under its default isolation level.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from sqlalchemy import Connection, Engine, bindparam, case, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

import kb_feedback.storage.migrations as migrations
from kb_feedback.storage.engine import insert_for, make_engine
from kb_feedback.storage.errors import StorageError
from kb_feedback.storage.privacy import clean_text
from kb_feedback.storage.schema import (
    COMMENT_MAX,
    QUERY_MAX,
    events,
    salts,
    view_counts,
    view_visitors,
    votes,
)
from kb_feedback.storage.visitors import daily_salt, visitor_id

__all__ = [
    "EVENT_TYPES",
    "ArticleStats",
    "EventType",
    "FeedbackStore",
    "PurgeResult",
    "Visitor",
    "utc_today",
]

log = logging.getLogger(__name__)

EventType = Literal[
    "suggestions_shown",
    "suggestion_opened",
    "deflected",
    "ticket_filed",
    "search_no_results",
    "search_no_click",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
"""What the widgets report: the deflection funnel, in order, then the search box's misses."""


def utc_today() -> dt.date:
    """Today in UTC: the day of salts, view counts and events."""
    return dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class Visitor:
    """A visitor as the store knows them on one day: an HMAC, not an address."""

    id: str
    day: dt.date


@dataclass(frozen=True)
class ArticleStats:
    """What an article page shows: its views and votes."""

    path: str
    views: int
    helpful: int
    not_helpful: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PurgeResult:
    """How many rows :meth:`FeedbackStore.purge` deleted or cleared."""

    events: int
    comments: int
    view_visitors: int
    salts: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class _Statements:
    """The statements every request runs, built once per database dialect.

    Building a statement and computing its cache key cost SQLAlchemy more than SQLite
    takes to run it, so each is built once and executed with parameters.
    """

    count_visitor: Any
    count_view: Any
    vote: Any
    event: Any
    stats: Any


@functools.cache
def _statements(dialect: str) -> _Statements:
    upsert = functools.partial(insert_for, dialect)
    vote = upsert(votes)
    path: Any = bindparam("path")
    views = (
        select(func.coalesce(func.sum(view_counts.c.views), 0))
        .where(view_counts.c.path == path)
        .scalar_subquery()
    )
    helpful = (
        select(func.coalesce(func.sum(case((votes.c.helpful, 1), else_=0)), 0))
        .where(votes.c.path == path)
        .scalar_subquery()
    )
    total = select(func.count()).select_from(votes).where(votes.c.path == path).scalar_subquery()
    return _Statements(
        # RETURNING tells reliably on both databases whether the row was new.
        count_visitor=upsert(view_visitors)
        .on_conflict_do_nothing()
        .returning(view_visitors.c.visitor),
        count_view=upsert(view_counts).on_conflict_do_update(
            index_elements=[view_counts.c.path, view_counts.c.day],
            set_={"views": view_counts.c.views + 1},
        ),
        vote=vote.on_conflict_do_update(
            index_elements=[votes.c.path, votes.c.visitor],
            set_={
                "helpful": vote.excluded.helpful,
                # A later vote without a comment keeps the earlier "what was missing".
                "comment": func.coalesce(vote.excluded.comment, votes.c.comment),
                "day": vote.excluded.day,
            },
        ),
        event=insert(events),
        # One round trip: it follows every view and vote the API records.
        stats=select(views, helpful, total),
    )


class FeedbackStore:
    """Votes, views and events in one database (thread-safe; one per process).

    Open it with :meth:`open`, which runs pending migrations.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        retention_days: int | None = None,
        clock: Callable[[], dt.date] = utc_today,
    ) -> None:
        """
        Args:
            engine: From :func:`kb_feedback.storage.make_engine`.
            retention_days: When set, events and comments older than this are purged
                once a day, when the first visitor of the day arrives.
            clock: Today's date (UTC); tests pass their own.
        """
        self.engine = engine
        self.retention_days = retention_days
        self.clock = clock
        self._salt: tuple[dt.date, bytes] | None = None
        self._lock = threading.Lock()
        # SQLite has one writer at a time, and a writer that finds it busy sleeps in
        # steps of up to 100 ms: queue this process's writers on a lock instead (the
        # API runs each request on a thread pool). PostgreSQL needs no such thing.
        self._write_lock: threading.Lock | None = (
            threading.Lock() if engine.dialect.name == "sqlite" else None
        )
        self._sql = _statements(engine.dialect.name)

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction (serialized within the process on SQLite)."""
        if self._write_lock is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    @classmethod
    def open(
        cls,
        url: str,
        *,
        retention_days: int | None = None,
        clock: Callable[[], dt.date] = utc_today,
        migrate: bool = True,
    ) -> FeedbackStore:
        """Connect to ``url`` and bring its schema up to date.

        Raises:
            StorageError: the database cannot be reached or migrated.
        """
        store = cls(make_engine(url), retention_days=retention_days, clock=clock)
        if migrate:
            store.migrate()
        return store

    def migrate(self) -> int:
        """Apply pending schema migrations; return the schema version."""
        try:
            return migrations.migrate(self.engine)
        except SQLAlchemyError as e:
            raise StorageError(f"cannot migrate the feedback database: {e}") from e

    def close(self) -> None:
        """Close the connection pool."""
        self.engine.dispose()

    # -- visitors --------------------------------------------------------------------------

    def visitor(self, client_address: str) -> Visitor:
        """Today's id of the visitor at ``client_address`` (its /64 for IPv6; see
        :mod:`kb_feedback.storage.visitors`).

        The first visitor of a day starts the day (:meth:`start_day`): a new salt, and
        the retention purge.
        """
        day = self.clock()
        cached = self._salt
        if cached is None or cached[0] != day:
            with self._lock:
                cached = self._salt
                if cached is None or cached[0] != day:
                    cached = self._salt = (day, self.start_day(day))
        return Visitor(visitor_id(cached[1], client_address), day)

    def start_day(self, day: dt.date) -> bytes:
        """Begin ``day``: its visitor salt (returned), yesterday's "counted" rows
        dropped, then :meth:`apply_retention`."""
        with self._write() as conn:
            salt = daily_salt(conn, day)
            # Yesterday's "already counted" rows are useless once its salt is gone.
            conn.execute(delete(view_visitors).where(view_visitors.c.day < day))
        self.apply_retention()
        return salt

    # -- writes ----------------------------------------------------------------------------

    def record_view(self, path: str, visitor: Visitor) -> bool:
        """Count a view of ``path``, once per visitor and day; True if it was counted."""
        row = {"day": visitor.day, "path": path, "visitor": visitor.id}
        with self._write() as conn:
            if conn.execute(self._sql.count_visitor, row).first() is None:
                return False
            conn.execute(self._sql.count_view, {"path": path, "day": visitor.day, "views": 1})
        return True

    def record_vote(
        self, path: str, visitor: Visitor, *, helpful: bool, comment: str | None = None
    ) -> None:
        """Store the visitor's vote on ``path``, replacing an earlier one; a vote without a
        comment keeps the earlier vote's comment.

        The comment is redacted (secrets) and cut to :data:`COMMENT_MAX` characters.
        """
        cleaned = clean_text(comment, COMMENT_MAX)
        row = {
            "path": path,
            "visitor": visitor.id,
            "helpful": helpful,
            "comment": cleaned,
            "day": visitor.day,
        }
        with self._write() as conn:
            conn.execute(self._sql.vote, row)

    def record_event(self, type: str, *, path: str | None = None, query: str | None = None) -> None:
        """Store one event; the query is redacted and cut to :data:`QUERY_MAX` characters."""
        if type not in EVENT_TYPES:
            raise ValueError(f"expected an event type in {EVENT_TYPES}, got {type!r}")
        row = {
            "day": self.clock(),
            "type": type,
            "path": path,
            "query": clean_text(query, QUERY_MAX, single_line=True),
        }
        with self._write() as conn:
            conn.execute(self._sql.event, row)

    # -- reads -----------------------------------------------------------------------------

    def stats(self, path: str) -> ArticleStats:
        """Views (all time) and current votes of ``path``."""
        with self.engine.connect() as conn:
            row = conn.execute(self._sql.stats, {"path": path}).one()
        n_views, n_helpful, n_total = (int(v or 0) for v in row)
        return ArticleStats(path, n_views, n_helpful, n_total - n_helpful)

    def view_totals(
        self, *, since: dt.date | None = None, paths: Iterable[str] | None = None
    ) -> dict[str, int]:
        """Views per article (of the days from ``since`` on), most viewed first."""
        query = select(view_counts.c.path, func.sum(view_counts.c.views).label("views"))
        if since is not None:
            query = query.where(view_counts.c.day >= since)
        if paths is not None:
            query = query.where(view_counts.c.path.in_(list(paths)))
        query = query.group_by(view_counts.c.path).order_by(
            func.sum(view_counts.c.views).desc(), view_counts.c.path
        )
        with self.engine.connect() as conn:
            return {path: int(n) for path, n in conn.execute(query)}

    # -- retention -------------------------------------------------------------------------

    def apply_retention(self) -> PurgeResult | None:
        """:meth:`purge` what is older than ``retention_days``; None when it is not set."""
        if self.retention_days is None:
            return None
        return self.purge(self.retention_days)

    def purge(self, older_than_days: int) -> PurgeResult:
        """Delete events and clear vote comments older than ``older_than_days`` days,
        and delete what visitor hashing no longer needs (past salts and "counted" rows).

        Daily view counts and votes themselves are kept: they identify nobody.
        """
        if older_than_days < 0:
            raise ValueError(f"expected a number of days >= 0, got {older_than_days}")
        today = self.clock()
        cutoff = today - dt.timedelta(days=older_than_days)
        with self._write() as conn:
            n_events = conn.execute(delete(events).where(events.c.day < cutoff)).rowcount
            n_comments = conn.execute(
                update(votes)
                .where(votes.c.day < cutoff, votes.c.comment.is_not(None))
                .values(comment=None)
            ).rowcount
            n_visitors = conn.execute(
                delete(view_visitors).where(view_visitors.c.day < today)
            ).rowcount
            n_salts = conn.execute(delete(salts).where(salts.c.day < today)).rowcount
        result = PurgeResult(n_events, n_comments, n_visitors, n_salts)
        log.info("purged feedback older than %s: %s", cutoff, result)
        return result

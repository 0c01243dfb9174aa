"""Settings of the HTTP API, read from the environment (``KB_*`` variables).

Every setting is declared once here, with its variable, default and help text; the
manual (``manual/api.md``) lists each one, and a test checks that it does.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from kb_feedback import DEFAULT_DATABASE_URL
from search import DEFAULT_INDEX_DIR

__all__ = ["RateLimit", "Settings", "SettingsError"]

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|s|m|h)\s*$", re.IGNORECASE)
LOG_FORMATS = ("plain", "json")
_PERIODS = {"second": 1.0, "s": 1.0, "minute": 60.0, "m": 60.0, "hour": 3600.0, "h": 3600.0}


class SettingsError(ValueError):
    """An environment variable has a value the API cannot use; lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid API settings:\n" + "\n".join(problems))


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` per ``period`` seconds for one client (a token bucket)."""

    requests: int
    period: float

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """Parse ``"120/minute"``, ``"5/second"`` or ``"1000/hour"``; ``"0/minute"`` disables."""
        found = _RATE.match(text)
        if not found:
            raise ValueError(f"expected '<count>/<second|minute|hour>', got {text!r}")
        return cls(int(found.group(1)), _PERIODS[found.group(2).lower()])

    @property
    def enabled(self) -> bool:
        """A limit of zero requests means no limit."""
        return self.requests > 0

    def __str__(self) -> str:
        unit = {1.0: "second", 60.0: "minute", 3600.0: "hour"}.get(self.period, f"{self.period:g}s")
        return f"{self.requests}/{unit}"


def _env(name: str, help: str) -> dict[str, str]:
    return {"env": name, "help": help}


@dataclass(frozen=True)
class Settings:
    """Configuration of one API process. ``Settings.from_env()`` reads ``KB_*`` variables."""

    index_dir: Path = field(
        default=Path(DEFAULT_INDEX_DIR),
        metadata=_env("KB_INDEX_DIR", "The search index built by `kb build`; opened read-only."),
    )
    """The search index (a directory or the symlink `kb build` swaps atomically)."""
    cors_origins: tuple[str, ...] = field(
        default=(),
        metadata=_env(
            "KB_CORS_ORIGINS",
            "Comma-separated origins allowed to call the API from a browser, e.g. the ticket "
            "form's site `https://billing.example.com`. Empty: same origin only.",
        ),
    )
    """Origins (scheme://host[:port]) whose pages may call the API: where the widget runs."""
    rate_limit: RateLimit = field(
        default=RateLimit(120, 60.0),
        metadata=_env(
            "KB_RATE_LIMIT",
            "Requests per client address, e.g. `120/minute`, `10/second`; `0/minute` disables. "
            "Counted per worker process.",
        ),
    )
    """Per-client request budget; over it the API answers 429."""
    rate_limit_storage: str | None = field(
        default=None,
        metadata=_env(
            "KB_RATE_LIMIT_STORAGE",
            "A Redis URL (`redis://host:6379/0`, `rediss://...`, `redis+unix:///path`) that "
            "holds the rate-limit counters, so the limit is per client across all workers and "
            "replicas. Empty: each worker process counts on its own.",
        ),
    )
    """Where the rate limit is counted: None for each process, or a shared Redis."""
    database_url: str = field(
        default=DEFAULT_DATABASE_URL,
        metadata=_env(
            "KB_DATABASE_URL", "SQLAlchemy URL of the feedback database (votes, views, events)."
        ),
    )
    """Database for feedback storage (used by the feedback routes)."""
    site_url: str | None = field(
        default=None,
        metadata=_env(
            "KB_SITE_URL",
            "Base URL of the static site, e.g. `https://help.example.com/`; article URLs in "
            "answers become absolute. Empty: site-relative URLs.",
        ),
    )
    """Base URL of the published site, to return absolute article URLs."""
    max_body_bytes: int = field(
        # Any ticket the schema accepts fits, in any script: 500 + 10,000 characters of
        # at most 6 bytes each once JSON-encoded, and the field names.
        default=65_536,
        metadata=_env("KB_MAX_BODY_BYTES", "Largest request body accepted; larger ones get 413."),
    )
    """Request bodies larger than this are refused with 413."""
    retention_days: int = field(
        default=90,
        metadata=_env(
            "KB_RETENTION_DAYS",
            "Days search queries, events and feedback comments are kept; older ones are "
            "deleted daily by the API and by `kb purge`. View counts and votes are kept.",
        ),
    )
    """How long feedback events, search queries and comments are kept."""
    header_timeout: float = field(
        default=10.0,
        metadata=_env(
            "KB_HEADER_TIMEOUT",
            "Seconds a client may take to send a request's line and headers (from the "
            "connection, or from the request's first byte on a kept-alive one); slower ones "
            "get 408 and are closed. `kb api` only.",
        ),
    )
    """Deadline for a request's head (slow clients cannot hold connections open)."""
    body_timeout: float = field(
        default=10.0,
        metadata=_env(
            "KB_BODY_TIMEOUT",
            "Seconds a client may take to send a request's body after its headers; slower "
            "ones get 408 and are closed. `kb api` only.",
        ),
    )
    """Deadline for a request's body, counted from its head."""
    keep_alive_timeout: float = field(
        default=5.0,
        metadata=_env(
            "KB_KEEP_ALIVE_TIMEOUT",
            "Seconds an idle connection is kept open between requests (uvicorn's "
            "`timeout_keep_alive`). `kb api` only.",
        ),
    )
    """How long an idle keep-alive connection stays open."""
    log_format: str = field(
        default="plain",
        metadata=_env(
            "KB_LOG_FORMAT",
            "`plain` or `json`: how `kb api` writes its log lines (one per request: method, "
            "path without the query string, route, status, duration, request id).",
        ),
    )
    """Format of the log lines `kb api` writes."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every ``KB_*`` variable; unset or empty ones keep their default.

        Raises:
            SettingsError: listing each variable whose value is unusable, with what was
                expected and what arrived.
        """
        env = os.environ if environ is None else environ
        problems: list[str] = []
        values: dict[str, object] = {}

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        if (raw := get("KB_INDEX_DIR")) is not None:
            values["index_dir"] = Path(raw)
        if (raw := get("KB_CORS_ORIGINS")) is not None:
            origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
            for origin in origins:
                if origin != "*" and not re.match(r"^https?://[^/\s]+$", origin):
                    problems.append(
                        f"KB_CORS_ORIGINS: expected origins like 'https://example.com', got {origin!r}"  # noqa: E501
                    )
            values["cors_origins"] = origins
        if (raw := get("KB_RATE_LIMIT")) is not None:
            try:
                values["rate_limit"] = RateLimit.parse(raw)
            except ValueError as e:
                problems.append(f"KB_RATE_LIMIT: {e}")
        if (raw := get("KB_RATE_LIMIT_STORAGE")) is not None:
            if re.match(r"^(redis|rediss|redis\+unix|redis\+sentinel|redis\+cluster)://", raw):
                values["rate_limit_storage"] = raw
            else:
                problems.append(
                    f"KB_RATE_LIMIT_STORAGE: expected a redis:// URL, got {raw.split('@')[-1]!r}"
                )
        if (raw := get("KB_DATABASE_URL")) is not None:
            values["database_url"] = raw
        if (raw := get("KB_SITE_URL")) is not None:
            if not re.match(r"^https?://", raw):
                problems.append(f"KB_SITE_URL: expected an http(s):// URL, got {raw!r}")
            values["site_url"] = raw if raw.endswith("/") else raw + "/"
        if (raw := get("KB_MAX_BODY_BYTES")) is not None:
            if raw.isdigit() and int(raw) > 0:
                values["max_body_bytes"] = int(raw)
            else:
                problems.append(f"KB_MAX_BODY_BYTES: expected a positive integer, got {raw!r}")
        if (raw := get("KB_RETENTION_DAYS")) is not None:
            if raw.isdigit() and int(raw) > 0:
                values["retention_days"] = int(raw)
            else:
                problems.append(f"KB_RETENTION_DAYS: expected a positive integer, got {raw!r}")
        for name, attribute in (
            ("KB_HEADER_TIMEOUT", "header_timeout"),
            ("KB_BODY_TIMEOUT", "body_timeout"),
            ("KB_KEEP_ALIVE_TIMEOUT", "keep_alive_timeout"),
        ):
            if (raw := get(name)) is not None:
                try:
                    seconds = float(raw)
                except ValueError:
                    seconds = math.nan
                if math.isfinite(seconds) and seconds > 0:
                    values[attribute] = seconds
                else:
                    problems.append(f"{name}: expected a positive number of seconds, got {raw!r}")
        if (raw := get("KB_LOG_FORMAT")) is not None:
            if raw.lower() in LOG_FORMATS:
                values["log_format"] = raw.lower()
            else:
                problems.append(f"KB_LOG_FORMAT: expected 'plain' or 'json', got {raw!r}")
        if problems:
            raise SettingsError(problems)
        return cls(**values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """The ``KB_*`` variables that recreate these settings (for worker processes)."""
        return {
            "KB_INDEX_DIR": str(self.index_dir),
            "KB_CORS_ORIGINS": ",".join(self.cors_origins),
            "KB_RATE_LIMIT": str(self.rate_limit) if self.rate_limit.enabled else "0/minute",
            "KB_RATE_LIMIT_STORAGE": self.rate_limit_storage or "",
            "KB_DATABASE_URL": self.database_url,
            "KB_SITE_URL": self.site_url or "",
            "KB_MAX_BODY_BYTES": str(self.max_body_bytes),
            "KB_RETENTION_DAYS": str(self.retention_days),
            "KB_HEADER_TIMEOUT": str(self.header_timeout),
            "KB_BODY_TIMEOUT": str(self.body_timeout),
            "KB_KEEP_ALIVE_TIMEOUT": str(self.keep_alive_timeout),
            "KB_LOG_FORMAT": self.log_format,
        }

    @staticmethod
    def variables() -> dict[str, str]:
        """Every environment variable the API reads, with its help text."""
        return {f.metadata["env"]: f.metadata["help"] for f in fields(Settings)}

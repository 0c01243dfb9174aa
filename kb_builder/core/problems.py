"""Problems found in articles, and the two ways they are printed.

Every check reports a :class:`Problem` naming the file, the line, the key, what was
expected and what arrived, so an author can fix it without reading our code.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Problem", "Severity", "failed", "format_github", "format_text", "summary"]


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one article."""

    path: str
    """The file as the author sees it, e.g. ``docs/email/quota.md``."""
    line: int
    key: str
    """The front-matter key, or the kind of body problem (``link``, ``image``, ``html``)."""
    expected: str
    got: str
    severity: Severity = Severity.ERROR

    @property
    def message(self) -> str:
        return f"'{self.key}': expected {self.expected}, got {self.got}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _in_order(problems: Iterable[Problem]) -> list[Problem]:
    """By file and line; problems on one line keep the order the checks found them."""
    return sorted(problems, key=lambda p: (p.path, p.line))


def format_text(problems: Iterable[Problem]) -> list[str]:
    """Lines for a terminal: ``docs/email/quota.md:3: 'tags': expected ..., got ...``."""
    return [
        str(p) if p.severity is Severity.ERROR else f"{p} (warning)" for p in _in_order(problems)
    ]


def _escape_github(value: str, *, property_value: bool = False) -> str:
    # GitHub's workflow-command escaping: data escapes %, CR, LF; properties also : and ,.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(problems: Iterable[Problem]) -> list[str]:
    """GitHub Actions annotations, shown on the pull request's diff lines."""
    lines = []
    for p in _in_order(problems):
        props = ",".join(
            [
                f"file={_escape_github(p.path, property_value=True)}",
                f"line={p.line}",
                f"title={_escape_github('kb check: ' + p.key, property_value=True)}",
            ]
        )
        lines.append(f"::{p.severity.value} {props}::{_escape_github(p.message)}")
    return lines


def summary(problems: Sequence[Problem]) -> str:
    """The count line ``kb check`` ends with: ``2 error(s), 1 warning(s)``."""
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return f"{errors} error(s), {len(problems) - errors} warning(s)"


def failed(problems: Sequence[Problem], *, strict: bool) -> bool:
    """Whether ``kb check`` fails: on any error, and with ``strict`` on any warning too."""
    return any(p.severity is Severity.ERROR for p in problems) or (strict and bool(problems))

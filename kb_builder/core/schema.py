"""The article front-matter schema: every key, its type, its default and its meaning.

This table is the reference: ``manual/authoring.md`` documents each key (a test keeps the
two in step), and :func:`validate` turns it into problems an author can act on.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kb_builder.core.frontmatter import FrontMatter
from kb_builder.core.problems import Problem, Severity
from kb_text import describe

__all__ = ["AUDIENCES", "FIELDS", "SUMMARY_MAX", "Field", "validate"]

SUMMARY_MAX = 200
AUDIENCES = ("reseller", "end-customer", "both")


def _is_str(v: Any) -> bool:
    return isinstance(v, str) and v.strip() != ""


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(_is_str(x) for x in v)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v > 0


@dataclass(frozen=True)
class Field:
    """One front-matter key."""

    name: str
    expected: str
    """What a valid value is, in the words of a problem message."""
    accepts: Callable[[Any], bool]
    required: bool = False
    default: Any = None
    help: str = ""


FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        "a non-empty string",
        _is_str,
        required=True,
        help="The article's title and page heading; unique in the knowledge base.",
    ),
    Field(
        "summary",
        f"a string of one or two sentences (at most {SUMMARY_MAX} characters)",
        _is_str,
        required=True,
        help="Shown in section listings and search results.",
    ),
    Field(
        "tags",
        "a list of strings",
        _is_str_list,
        required=True,
        help="Topics; each tag gets a tag page.",
    ),
    Field(
        "keywords",
        "a list of strings",
        _is_str_list,
        default=(),
        help="Phrases customers use for this problem; weighted highly by search.",
    ),
    Field(
        "questions",
        "a list of strings",
        _is_str_list,
        default=(),
        help="Questions customers ask that the article answers, in their words; indexed by search.",
    ),
    Field(
        "audience",
        "one of 'reseller', 'end-customer', 'both'",
        lambda v: v in AUDIENCES,
        default="both",
        help="Who the article is written for.",
    ),
    Field(
        "applies_to",
        "a string such as 'cPanel & WHM 130'",
        _is_str,
        help="The product and version the steps were checked against.",
    ),
    Field(
        "last_reviewed",
        "a date written as YYYY-MM-DD",
        lambda v: isinstance(v, dt.date),
        help="When the article was last checked; old dates are warned about.",
    ),
    Field("owner", "a string", _is_str, help="Who keeps the article up to date."),
    Field(
        "related",
        "a list of article paths relative to docs/",
        _is_str_list,
        default=(),
        help="Articles listed first under 'Related articles'.",
    ),
    Field(
        "draft",
        "true or false",
        lambda v: isinstance(v, bool),
        default=False,
        help="Built by `kb serve`, left out of `kb build`.",
    ),
    Field(
        "search_boost",
        "a positive number",
        _is_number,
        default=1.0,
        help="Multiplies the article's search score.",
    ),
)

_BY_NAME = {f.name: f for f in FIELDS}
# Keys that MkDocs and Material read themselves; valid on any page.
_THEME_KEYS = frozenset({"hide", "template", "icon", "status", "description", "search"})


def validate(fm: FrontMatter, shown_path: str, *, landing_page: bool = False) -> list[Problem]:
    """All front-matter problems of one file. Landing pages only need a ``title``."""
    problems: list[Problem] = []

    def add(key: str, expected: str, got: str, severity: Severity = Severity.ERROR) -> None:
        problems.append(Problem(shown_path, fm.line_of(key), key, expected, got, severity))

    for f in FIELDS:
        if f.name not in fm.data:
            if f.required and (not landing_page or f.name == "title"):
                add(f.name, f.expected, "nothing (the key is missing)")
            continue
        value = fm.data[f.name]
        if value is None and not f.required:
            continue
        if not f.accepts(value):
            add(f.name, f.expected, describe(value))
        elif f.name == "summary" and len(value) > SUMMARY_MAX:
            add(f.name, f"at most {SUMMARY_MAX} characters", f"{len(value)} characters")
    for key in fm.data:
        if key in _BY_NAME or key in _THEME_KEYS:
            continue
        close = difflib.get_close_matches(key, list(_BY_NAME), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        add(key, "one of the documented keys", f"an unknown key{hint}", Severity.WARNING)
    return problems

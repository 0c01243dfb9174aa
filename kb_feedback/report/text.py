"""``kb report`` in the terminal: one plain-text table per section of the report."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb_feedback.report.format import cut, deflection_rows, funnel_in_words, share
from kb_feedback.report.model import Gap, Report

__all__ = ["render_text", "table"]

_NUMBER = re.compile(r"^(?:\d+%?|-)$")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, max_width: int = 48) -> str:
    """Columns padded to their widest cell; numbers right-aligned; long text cut."""
    cells = [[cut(str(c), max_width) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [
        bool(rows) and all(_NUMBER.match(str(r[i])) for r in rows) for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        pairs = enumerate(zip(values, widths, strict=True))
        return "  ".join(v.rjust(w) if numeric[i] else v.ljust(w) for i, (v, w) in pairs).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells] if cells else ["(none)"]
    return "\n".join(out)


def _gap_rows(gaps: Sequence[Gap]) -> list[tuple[object, ...]]:
    return [(g.query, g.count, g.zero_results, g.no_click, g.tickets) for g in gaps]


def render_text(report: Report) -> str:
    """The whole report as readable text."""
    f = report.funnel
    first = f.suggestions_shown
    n = report.min_votes
    parts = [
        f"Knowledge base feedback, {report.since} to {report.until} ({report.days} days)",
        "",
        "Deflection funnel",
        funnel_in_words(f),
        table(
            ["stage", "count", "of shown"],
            [
                (name, k, share(k, first, min_count=1, noun="shown") if first else "-")
                for name, k in f.stages()
            ],
        ),
        "",
        "Deflection per article (opened from a suggestion)",
        table(
            ["article", "opened", "solved", "filed", "solved of opened"],
            deflection_rows(report, min_count=n),
        ),
        "",
        "Top viewed",
        table(
            ["article", "views", "helpful", "not helpful"],
            [(a.title, a.views, a.helpful, a.not_helpful) for a in report.top_viewed],
        ),
        "",
        f"Least helpful (shares from {n} votes on)",
        table(
            ["article", "not helpful", "helpful", "not helpful of votes"],
            [
                (
                    a.title,
                    a.not_helpful,
                    a.helpful,
                    share(a.not_helpful, a.votes, min_count=n, noun="votes"),
                )
                for a in report.least_helpful
            ],
        ),
    ]
    for a in report.least_helpful:
        for comment in a.comments:
            parts.append(f"  {a.title}: “{cut(' '.join(comment.split()), 100)}”")
    parts += [
        "",
        "Content gaps (questions no published article answers)",
        table(["query", "times", "no results", "no click", "ticket filed"], _gap_rows(report.gaps)),
        "",
        "Off-topic (far from hosting: nothing to write)",
        table(
            ["query", "times", "no results", "no click", "ticket filed"],
            _gap_rows(report.off_topic),
        ),
    ]
    return "\n".join(parts) + "\n"

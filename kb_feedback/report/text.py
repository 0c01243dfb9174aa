"""``kb report`` in the terminal: one plain-text table per section of the report."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb_feedback.report.format import cut, percent
from kb_feedback.report.model import Report

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


def render_text(report: Report) -> str:
    """The whole report as readable text."""
    f = report.funnel
    first = f.suggestions_shown
    parts = [
        f"Knowledge base feedback, {report.since} to {report.until} ({report.days} days)",
        "",
        "Deflection funnel",
        table(
            ["stage", "count", "of shown"],
            [(name, n, percent(n / first if first else None)) for name, n in f.stages()],
        ),
        f"Deflection rate: {percent(f.deflection_rate)} of the customers shown suggestions "
        "solved their problem without a ticket.",
        "",
        "Deflection per article (opened from a suggestion)",
        table(
            ["article", "opened", "solved", "filed", "rate"],
            [(a.title, a.opened, a.deflected, a.filed, percent(a.rate)) for a in report.deflection],
        ),
        "",
        "Top viewed",
        table(
            ["article", "views", "helpful", "not helpful"],
            [(a.title, a.views, a.helpful, a.not_helpful) for a in report.top_viewed],
        ),
        "",
        "Least helpful",
        table(
            ["article", "not helpful", "helpful", "share"],
            [
                (a.title, a.not_helpful, a.helpful, percent(a.unhelpful_share))
                for a in report.least_helpful
            ],
        ),
    ]
    for a in report.least_helpful:
        for comment in a.comments:
            parts.append(f"  {a.title}: “{cut(' '.join(comment.split()), 100)}”")
    parts += [
        "",
        "Content gaps (searches and tickets with no good answer)",
        table(
            ["query", "times", "no results", "no click", "ticket filed"],
            [
                (
                    g.query,
                    g.count,
                    g.sources.get("search_no_results", 0),
                    g.sources.get("search_no_click", 0),
                    g.sources.get("ticket_filed", 0),
                )
                for g in report.gaps
            ],
        ),
    ]
    return "\n".join(parts) + "\n"

"""``kb report --html``: one self-contained page a support manager reads at a glance.

Charts are inline SVG drawn here (no script, no CDN, no web font); a Content Security
Policy in the page forbids any request at all, so the file can be mailed or archived.
Every value from the database is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from kb_feedback.report.format import cut, percent
from kb_feedback.report.model import Report

__all__ = ["bar_chart", "render_html"]

CSP = "default-src 'none'; style-src 'unsafe-inline'"

_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:64rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccc}
.sub{color:#555;margin-top:0}.kpis{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.kpi{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
.kpi b{display:block;font-size:1.6rem}table{border-collapse:collapse;margin:.6rem 0;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}svg{max-width:100%;height:auto}
.none{color:#666;font-style:italic}blockquote{margin:.2rem 0 .2rem 1rem;color:#333;
border-left:3px solid #c62828;padding-left:.6rem}.note{color:#555;font-size:.9rem}
"""

_BLUE = "#1a4fa0"
_GREEN = "#2e7d32"
_RED = "#c62828"
_AMBER = "#b26a00"


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float, str]],
    *,
    color: str = _BLUE,
    colors: Sequence[str] | None = None,
    max_value: float | None = None,
    css_class: str = "chart",
) -> str:
    """A horizontal bar chart as inline SVG: one ``(label, value, value text)`` per bar.

    ``colors`` gives each bar its own colour (default: ``color`` for all).
    """
    if not rows:
        return '<p class="none">No data in this period.</p>'
    label_w, bar_w, row_h, pad = 300, 380, 28, 8
    top = max_value if max_value is not None else max(v for _, v, _ in rows)
    top = top or 1.0
    height = pad * 2 + row_h * len(rows)
    width = label_w + bar_w + 200
    parts = [
        f'<svg class="{escape(css_class)}" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, value, text) in enumerate(rows):
        y = pad + i * row_h
        w = max(1.0, bar_w * value / top) if value > 0 else 0.0
        parts.append(
            f"<g><title>{escape(label)}: {escape(text)}</title>"
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="13" '
            f'fill="#1b1b1b">{escape(cut(label, 42))}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'rx="3" fill="{colors[i] if colors else color}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 18}" font-size="13" '
            f'fill="#1b1b1b">{escape(text)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int]) -> str:
    if not rows:
        return ""
    head = "".join(
        f"<th{' class=n' if i in numeric else ''}>{escape(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if i in numeric else ''}>{escape(str(c))}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _funnel(report: Report) -> str:
    f = report.funnel
    first = f.suggestions_shown
    colors = [_BLUE, _BLUE, _GREEN, _RED]
    rows = [
        (name, float(n), f"{n} ({percent(n / first if first else None)})") for name, n in f.stages()
    ]
    if not any(n for _, n, _ in rows):
        return '<p class="none">No deflection events in this period.</p>'
    return bar_chart("Deflection funnel", rows, colors=colors, css_class="chart funnel")


def render_html(report: Report) -> str:
    """The report as one HTML page with inline SVG charts and no external resource."""
    f = report.funnel
    title = f"Knowledge base feedback, {report.since} to {report.until}"
    kpis = [
        ("Suggestions shown", str(f.suggestions_shown)),
        ("Solved without a ticket", str(f.deflected)),
        ("Deflection rate", percent(f.deflection_rate)),
        ("Filed anyway", str(f.ticket_filed)),
    ]
    p = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{report.days} days. Views count each visitor once per article '
        "and day; no personal data is stored.</p>",
        '<div class="kpis">'
        + "".join(f'<div class="kpi"><b>{escape(v)}</b>{escape(k)}</div>' for k, v in kpis)
        + "</div>",
        '<section id="funnel"><h2>Deflection funnel</h2>',
        '<p class="note">Ticket-form visitors: suggestions shown → article opened → '
        "solved (no ticket) → ticket filed anyway.</p>",
        _funnel(report),
        "</section>",
        '<section id="deflection"><h2>Deflection rate per article</h2>',
        bar_chart(
            "Deflection rate per article",
            [
                (a.title, (a.rate or 0.0) * 100, f"{percent(a.rate)} of {a.opened} opened")
                for a in report.deflection
            ],
            color=_GREEN,
            max_value=100.0,
        ),
        _table(
            ["article", "opened", "solved", "filed anyway", "rate"],
            [(a.title, a.opened, a.deflected, a.filed, percent(a.rate)) for a in report.deflection],
            {1, 2, 3, 4},
        ),
        "</section>",
        '<section id="top-viewed"><h2>Top viewed</h2>',
        bar_chart(
            "Top viewed articles",
            [(a.title, float(a.views), f"{a.views} views") for a in report.top_viewed],
        ),
        "</section>",
        '<section id="least-helpful"><h2>Least helpful</h2>',
        bar_chart(
            "Articles with the most 'not helpful' votes",
            [
                (a.title, float(a.not_helpful), f"{a.not_helpful} not helpful, {a.helpful} helpful")
                for a in report.least_helpful
            ],
            color=_RED,
        ),
    ]
    for a in report.least_helpful:
        if a.comments:
            where = f" <small>({escape(a.path)})</small>" if a.title != a.path else ""
            p.append(f"<h3>{escape(a.title)}{where}</h3>")
            p.append("<p class='note'>What was missing:</p>")
            p.extend(f"<blockquote>{escape(c)}</blockquote>" for c in a.comments)
    p += [
        "</section>",
        '<section id="gaps"><h2>Content gaps</h2>',
        '<p class="note">Searches with no results or no click, and tickets filed anyway, '
        "grouped by wording and ranked by frequency. <code>kb report --gaps</code> writes a "
        "draft article for the top ones.</p>",
        bar_chart(
            "Content gaps by frequency",
            [(g.query, float(g.count), f"{g.count}×") for g in report.gaps],
            color=_AMBER,
        ),
        _table(
            ["query", "times", "no results", "no click", "ticket filed", "wordings"],
            [
                (
                    g.query,
                    g.count,
                    g.sources.get("search_no_results", 0),
                    g.sources.get("search_no_click", 0),
                    g.sources.get("ticket_filed", 0),
                    "; ".join(g.variants),
                )
                for g in report.gaps
            ],
            {1, 2, 3, 4},
        ),
        "</section></body></html>",
    ]
    return "\n".join(p)

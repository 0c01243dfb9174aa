"""``kb report --html``: one self-contained page a support manager reads at a glance.

Charts are HTML and CSS drawn here (no script, no CDN, no web font); a Content Security
Policy in the page forbids any request at all, so the file can be mailed or archived.
Every value from the database is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from kb_feedback.report.format import cut, deflection_rows, funnel_in_words, share
from kb_feedback.report.model import Gap, Report

__all__ = ["bar_chart", "render_html"]

CSP = "default-src 'none'; style-src 'unsafe-inline'"

_STYLE = """
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:64rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccc}
.sub{color:#555;margin-top:0}.kpis{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.kpi{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;flex:1 1 9rem}
.kpi b{display:block;font-size:1.6rem}.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.6rem 0;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top;
overflow-wrap:normal}.scroll table{min-width:36rem}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.none{color:#666;font-style:italic}blockquote{margin:.2rem 0 .2rem 1rem;color:#333;
border-left:3px solid #c62828;padding-left:.6rem}.note{color:#555;font-size:.9rem}
.chart{margin:.8rem 0}
.row{display:grid;grid-template-columns:minmax(8rem,18rem) 1fr minmax(6rem,auto);
gap:.2rem .8rem;align-items:center;margin:.35rem 0;font-size:14px}
.track{background:#eee;border-radius:3px;height:1.1rem;min-width:4rem}
.bar{display:block;height:100%;border-radius:3px}.value{font-variant-numeric:tabular-nums}
@media (max-width:40rem){body{margin:1rem auto}.row{grid-template-columns:1fr auto}
.label{grid-column:1/-1;font-weight:600}.kpi{flex-basis:40%}}
"""

_BLUE = "#1a4fa0"
_GREEN = "#2e7d32"
_RED = "#c62828"
_AMBER = "#b26a00"
_GREY = "#8a8a8a"


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float, str]],
    *,
    color: str = _BLUE,
    colors: Sequence[str] | None = None,
    max_value: float | None = None,
    css_class: str = "chart",
) -> str:
    """A horizontal bar chart in HTML and CSS: one ``(label, value, value text)`` per bar.

    HTML rather than SVG so that it reflows: on a phone each label goes above its bar
    and the text keeps its size. ``colors`` gives each bar its own colour.
    """
    if not rows:
        return '<p class="none">No data in this period.</p>'
    top = max_value if max_value is not None else max(v for _, v, _ in rows)
    top = top or 1.0
    parts = [f'<div class="{escape(css_class)}" role="list" aria-label="{escape(title)}">']
    for i, (label, value, text) in enumerate(rows):
        width = max(1.0, 100 * value / top) if value > 0 else 0.0
        fill = colors[i] if colors else color
        parts.append(
            f'<div class="row" role="listitem"><span class="label">{escape(cut(label, 80))}</span>'
            f'<span class="track"><span class="bar" style="width:{width:.1f}%;background:{fill}">'
            f'</span></span><span class="value">{escape(text)}</span></div>'
        )
    parts.append("</div>")
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
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{table}</div>'


def _funnel(report: Report) -> str:
    f = report.funnel
    first = f.suggestions_shown
    colors = [_BLUE, _BLUE, _GREEN, _RED]
    rows = [
        (name, float(n), share(n, first, min_count=1, noun="shown") if first else str(n))
        for name, n in f.stages()
    ]
    if not any(n for _, n, _ in rows):
        return '<p class="none">No deflection events in this period.</p>'
    return bar_chart("Deflection funnel", rows, colors=colors, css_class="chart funnel")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _gaps_table(gaps: Sequence[Gap]) -> str:
    return _table(
        ["query", "times", "no results", "no click", "ticket filed", "wordings"],
        [
            (g.query, g.count, g.zero_results, g.no_click, g.tickets, "; ".join(g.variants))
            for g in gaps
        ],
        {1, 2, 3, 4},
    )


def render_html(report: Report) -> str:
    """The report as one HTML page with HTML/CSS charts and no external resource."""
    f = report.funnel
    n = report.min_votes
    title = f"Knowledge base feedback, {report.since} to {report.until}"
    rate = share(f.deflected, f.suggestions_shown, min_count=n, noun="shown")
    kpis = [
        ("Suggestions shown", str(f.suggestions_shown)),
        ("Solved without a ticket", str(f.deflected)),
        ("Deflection rate", rate),
        ("Filed anyway", str(f.ticket_filed)),
    ]
    p = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{report.days} days. Views count each visitor once per article '
        f"and day; no personal data is stored. Shares are shown from {n} votes or "
        "openings on; below that, the counts alone.</p>",
        '<div class="kpis">'
        + "".join(f'<div class="kpi"><b>{escape(v)}</b>{escape(k)}</div>' for k, v in kpis)
        + "</div>",
        '<section id="funnel"><h2>Deflection funnel</h2>',
        f'<p class="words">{escape(funnel_in_words(f))}</p>',
        _funnel(report),
        "</section>",
        '<section id="deflection"><h2>Deflection per article</h2>',
        bar_chart(
            "Solved per opening, per article",
            [
                (
                    a.title,
                    float(a.deflected),
                    share(a.deflected, max(a.opened, a.deflected), min_count=n, noun="opened")
                    + (f", {a.filed} filed" if a.filed else ""),
                )
                for a in report.deflection
            ],
            colors=[
                _GREEN if max(a.opened, a.deflected) >= n else _GREY for a in report.deflection
            ],
        ),
        _table(
            ["article", "opened", "solved", "filed anyway", "solved of opened"],
            deflection_rows(report, min_count=n),
            {1, 2, 3},
        ),
        "</section>",
        '<section id="top-viewed"><h2>Top viewed</h2>',
        bar_chart(
            "Top viewed articles",
            [(a.title, float(a.views), _plural(a.views, "view")) for a in report.top_viewed],
        ),
        "</section>",
        '<section id="least-helpful"><h2>Least helpful</h2>',
        bar_chart(
            "Articles with the most 'not helpful' votes",
            [
                (
                    a.title,
                    float(a.not_helpful),
                    share(a.not_helpful, a.votes, min_count=n, noun="votes") + " not helpful",
                )
                for a in report.least_helpful
            ],
            # Grey until there are enough votes to call it a pattern.
            colors=[_RED if a.votes >= n else _GREY for a in report.least_helpful],
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
        '<p class="note">Questions no published article answers: searches with no results, '
        "tickets filed anyway, and searches nobody clicked whose best result scored low; "
        "misspellings count with their correction. <code>kb report --gaps</code> writes a "
        "draft article for the top ones.</p>",
        bar_chart(
            "Content gaps by frequency",
            [(g.query, float(g.count), _plural(g.count, "time")) for g in report.gaps],
            color=_AMBER,
        ),
        _gaps_table(report.gaps),
        "</section>",
        '<section id="off-topic"><h2>Off-topic questions</h2>',
        '<p class="note">Far from hosting: nothing here for an author to write.</p>',
        _gaps_table(report.off_topic) or '<p class="none">None in this period.</p>',
        "</section></body></html>",
    ]
    return "\n".join(p)

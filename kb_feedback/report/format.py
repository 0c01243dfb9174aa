"""Formatting shared by the text and HTML reports: every rate beside its counts."""

from __future__ import annotations

from kb_feedback.report.model import Funnel, Report

__all__ = ["cut", "deflection_rows", "funnel_in_words", "percent", "share"]


def percent(rate: float | None) -> str:
    """``0.4167`` → ``42%``; ``None`` → ``-``."""
    return "-" if rate is None else f"{rate:.0%}"


def share(part: int, whole: int, *, min_count: int, noun: str) -> str:
    """``3 of 6 opened (50%)``; the counts alone below ``min_count`` (one vote is not a
    rate); ``none opened`` when ``whole`` is 0."""
    if whole <= 0:
        return f"none {noun}"
    counts = f"{part} of {whole} {noun}"
    if whole < max(min_count, 1):
        return counts
    return f"{counts} ({percent(part / whole)})"


def funnel_in_words(f: Funnel) -> str:
    """The funnel as sentences a support manager reads aloud."""
    shown = f.suggestions_shown
    if not shown:
        filed = f"; {f.ticket_filed} ticket(s) were filed" if f.ticket_filed else ""
        return f"No customer was shown suggestions in this period{filed}."
    # Events are counted, not customers: one who opened an article and then filed a
    # ticket is in both counts, so "did nothing" is at least this many.
    idle = max(0, shown - f.suggestion_opened - f.ticket_filed)
    return (
        f"{shown} customer(s) were shown suggestions. "
        f"{f.suggestion_opened} of {shown} opened a suggested article, "
        f"{f.deflected} of {shown} solved their problem without a ticket, "
        f"and {f.ticket_filed} filed a ticket anyway. "
        f"{idle} of {shown} did nothing after seeing suggestions."
    )


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def deflection_rows(report: Report, *, min_count: int) -> list[tuple[str, int, int, int, str]]:
    """Per article opened from a suggestion: title, opened, solved, filed anyway, and the
    share solved of opened (both renderers print this table)."""
    return [
        (
            a.title,
            a.opened,
            a.deflected,
            a.filed,
            share(a.deflected, max(a.opened, a.deflected), min_count=min_count, noun="opened"),
        )
        for a in report.deflection
    ]

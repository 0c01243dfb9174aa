"""Formatting shared by the text and HTML reports."""

from __future__ import annotations

__all__ = ["cut", "percent"]


def percent(rate: float | None) -> str:
    """``0.4167`` → ``42%``; ``None`` → ``-``."""
    return "-" if rate is None else f"{rate:.0%}"


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"

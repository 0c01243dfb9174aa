"""``{{ extra.company }}``-style placeholders, filled from ``extra:`` in ``mkdocs.yml``.

Articles never name the hosting company, so another host can reuse them unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["PLACEHOLDER", "fill"]

PLACEHOLDER = re.compile(r"\{\{\s*extra\.([A-Za-z_][\w]*)\s*\}\}")


def fill(text: str, extra: Mapping[str, Any]) -> str:
    """Replace every known placeholder; unknown ones stay visible (and ``kb check`` flags them)."""

    def value(m: re.Match[str]) -> str:
        v = extra.get(m.group(1))
        return m.group(0) if v is None or isinstance(v, dict | list) else str(v)

    return PLACEHOLDER.sub(value, text)

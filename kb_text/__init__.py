"""Text hygiene shared by the engine and the feedback store, with no dependency on either.

- :mod:`kb_text.secrets`: find and mask passwords, Support PINs, API tokens and keys
  (ticket deflection warns about them; the feedback store redacts them);
- :data:`CONTROL_CHARS`: the control characters both replace with a space before use;
- :func:`describe`: how a problem report quotes the value it received (front matter, the
  support policy).

It exists so that :mod:`kb_feedback` can redact secrets without importing :mod:`search`.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["CONTROL_CHARS", "describe"]

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and line feed, DEL, and the C1 controls: never meant as text."""


def describe(value: object) -> str:
    """How a problem report quotes a received value, in the words of the YAML it came
    from: ``'email'``, ``3``, ``true``, ``2025-01-31``, ``a mapping``, ``nothing``; long
    values are cut with ``...``."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return repr(value[:57] + "...") if len(value) > 60 else repr(value)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."

"""Text hygiene shared by the engine and the feedback store, with no dependency on either.

- :mod:`kb_text.secrets`: find and mask passwords, Support PINs, API tokens and keys
  (ticket deflection warns about them; the feedback store redacts them);
- :data:`CONTROL_CHARS`: the control characters both replace with a space before use;
- :data:`BIDI_CONTROLS`: the invisible direction marks and overrides stored text drops;
- :func:`describe`: how a problem report quotes the value it received (front matter, the
  support policy), a few items at most;
- :mod:`kb_text.addresses`: the client an address stands for (an IPv6 /64), for the rate
  limit and the visitor count.
- :mod:`kb_text.words`: English words and their frequencies, loaded once for spelling
  correction and the secret detector.

It exists so that :mod:`kb_feedback` can redact secrets without importing :mod:`search`.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib

__all__ = ["BIDI_CONTROLS", "CONTROL_CHARS", "describe"]

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and line feed, DEL, and the C1 controls: never meant as text."""

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Unicode's Bidi_Control characters: the direction marks (ALM, LRM, RLM), embeddings and
overrides (LRE..RLO) and isolates (LRI..PDI).

Invisible, they make stored text read differently from what it holds (a comment shown in
the report, "evil.exe" written as "exe.live"), and split a secret so that it is not found.
Removed, not replaced: one inside a word must not cut the word in two.
"""


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
    return _SHORT.repr(value)


_SHORT = reprlib.Repr()
"""Quotes a few items of a few levels: a problem never describes a whole value, however
large (a list of 100,000 items, or nesting that a hostile file tries)."""
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring = 3, 6, 4, 60

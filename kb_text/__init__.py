"""Text hygiene shared by the engine and the feedback store, with no dependency on either.

- :mod:`kb_text.secrets`: find and mask passwords, Support PINs, API tokens and keys
  (ticket deflection warns about them; the feedback store redacts them);
- :data:`CONTROL_CHARS`: the control characters both replace with a space before use;
- :data:`BIDI_CONTROLS`: the invisible direction marks and overrides stored text drops.

It exists so that :mod:`kb_feedback` can redact secrets without importing :mod:`search`.
"""

from __future__ import annotations

import re

__all__ = ["BIDI_CONTROLS", "CONTROL_CHARS"]

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and line feed, DEL, and the C1 controls: never meant as text."""

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Direction marks (LRM, RLM), embeddings and overrides (LRE..RLO) and isolates (LRI..PDI).

Invisible, they make stored text read differently from what it holds (a comment shown in
the report, "evil.exe" written as "exe.live"), and split a secret so that it is not found.
Removed, not replaced: one inside a word must not cut the word in two.
"""

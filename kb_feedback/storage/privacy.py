"""What the store does to free text before keeping it: redact secrets, then truncate.

Direction marks and overrides go first (one inside a password would hide it), then
redaction runs on the whole text, so that a secret cut in two by the truncation is
still found. The secret detector is the one ticket deflection uses
(:func:`kb_text.secrets.mask_secrets`).
"""

from __future__ import annotations

import re

from kb_text import BIDI_CONTROLS, CONTROL_CHARS
from kb_text.secrets import mask_secrets

__all__ = ["clean_text"]

_SPACES = re.compile(r"[ \t]+")


def clean_text(text: str | None, max_chars: int, *, single_line: bool = False) -> str | None:
    """``text`` without direction controls, with secrets replaced by ``[redacted]``,
    control characters (C0, C1) replaced by spaces and cut to ``max_chars``; None when
    nothing is left.

    ``single_line`` also folds line breaks into spaces (search queries).
    """
    if text is None:
        return None
    cleaned = CONTROL_CHARS.sub(" ", mask_secrets(BIDI_CONTROLS.sub("", text)))
    if single_line:
        cleaned = cleaned.replace("\n", " ")
    cleaned = _SPACES.sub(" ", cleaned).strip()
    cleaned = cleaned[:max_chars].rstrip()
    return cleaned or None

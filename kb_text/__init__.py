"""Text hygiene shared by the engine and the feedback store, with no dependency on either.

- :mod:`kb_text.secrets`: find and mask passwords, Support PINs, API tokens and keys
  (ticket deflection warns about them; the feedback store redacts them);
- :data:`CONTROL_CHARS`: the control characters both replace with a space before use.

It exists so that :mod:`kb_feedback` can redact secrets without importing :mod:`search`.
"""

from __future__ import annotations

import re

__all__ = ["CONTROL_CHARS"]

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and line feed, DEL, and the C1 controls: never meant as text."""

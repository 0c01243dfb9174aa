"""English words and how common they are, loaded once per process for everyone who needs
them: spelling correction (:func:`search.spelling.english_words`) and the secret
detector (a long word no dictionary has, run together, reads as a password)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping

__all__ = ["english_frequencies"]

log = logging.getLogger(__name__)


@functools.cache
def english_frequencies() -> Mapping[str, int]:
    """pyspellchecker's English word list with each word's frequency, lower case (about
    0.4 s to load); empty, with a warning, if the package is missing."""
    try:
        from spellchecker import SpellChecker  # type: ignore[import-untyped]
    except ImportError:
        log.warning("pyspellchecker is not installed: no English word list")
        return {}
    frequencies: Mapping[str, int] = SpellChecker(
        language="en", distance=1
    ).word_frequency.dictionary
    return frequencies

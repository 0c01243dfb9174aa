"""``kb serve``: dirty rebuilds, the preview index, the problems overlay, the dev server."""

from __future__ import annotations

from kb_builder.preview.index import PreviewIndex
from kb_builder.preview.problems import decorate_page, write_problems
from kb_builder.preview.rebuilds import (
    ListingSignature,
    listing_signature,
    mark_modified,
    pages_to_refresh,
    theme_key,
)

__all__ = [
    "ListingSignature",
    "PreviewIndex",
    "decorate_page",
    "listing_signature",
    "mark_modified",
    "pages_to_refresh",
    "theme_key",
    "write_problems",
]

"""Article URLs in answers: site-relative, or absolute under ``KB_SITE_URL``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

__all__ = ["absolute_urls"]


def absolute_urls(items: list[dict[str, Any]], site_url: str | None) -> None:
    """Prefix each item's ``url`` with ``site_url`` when one is configured (in place)."""
    if not site_url:
        return
    for item in items:
        url = item.get("url")
        if isinstance(url, str) and "://" not in url:
            item["url"] = urljoin(site_url, url.lstrip("/"))

"""The one exception the storage layer raises for a database it cannot use."""

from __future__ import annotations

__all__ = ["StorageError"]


class StorageError(RuntimeError):
    """The feedback database is unreachable, misconfigured or of an unknown version."""

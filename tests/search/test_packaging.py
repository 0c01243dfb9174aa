"""Exactly one installed distribution provides the top-level ``whoosh`` package."""

from __future__ import annotations

import importlib.metadata


def test_exactly_one_distribution_provides_whoosh() -> None:
    providers = importlib.metadata.packages_distributions().get("whoosh", [])
    assert [p.lower() for p in providers] == ["whoosh-reloaded"], providers
    assert importlib.metadata.version("whoosh-reloaded") == "2.7.5"

"""Every file the packages read at run time is in the wheel (pyproject's package-data):
an installed (not editable) copy once built without the theme overrides, silently."""

from __future__ import annotations

import tomllib

import pytest

from tests.conftest import REPO


@pytest.mark.parametrize("package", ["kb_builder", "search", "kb_api", "kb_feedback", "kb_text"])
def test_every_data_file_is_packaged(package: str) -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"].get(package, [])
    root = REPO / package
    packaged = {p for pattern in patterns for p in root.glob(pattern) if p.is_file()}
    data = {
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert sorted(str(p.relative_to(root)) for p in data - packaged) == []

"""The manual documents every plugin option and every front-matter key."""

from __future__ import annotations

from kb_builder.config import KnowledgeBaseConfig
from kb_builder.core.schema import FIELDS
from tests.conftest import REPO


def test_every_plugin_option_is_documented():
    manual = (REPO / "manual" / "plugin-options.md").read_text()
    names = [name for name, _ in KnowledgeBaseConfig._schema]
    assert names
    missing = [name for name in names if f"| `{name}` |" not in manual]
    assert missing == []


def test_every_front_matter_key_is_documented():
    manual = (REPO / "manual" / "authoring.md").read_text()
    missing = [f.name for f in FIELDS if f"| `{f.name}` |" not in manual]
    assert missing == []

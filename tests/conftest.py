"""Fixtures shared by every test package: small real sites written into ``tmp_path``."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent

ARTICLE = """\
---
title: {title}
summary: {summary}
tags: [{tags}]
---

## Symptoms

{body}
"""


def article(
    title: str,
    body: str = "Some text.",
    *,
    summary: str = "A short summary.",
    tags: str = "email",
    extra_front: str = "",
) -> str:
    """The text of a valid article, with optional extra front-matter lines."""
    text = ARTICLE.format(title=title, summary=summary, tags=tags, body=body)
    if extra_front:
        text = text.replace("---\n\n", extra_front.rstrip("\n") + "\n---\n\n", 1)
    return text


class SiteFactory:
    """Writes a site (mkdocs.yml + docs/) under one directory and builds or checks it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(
        self,
        files: dict[str, str],
        *,
        plugin: dict[str, Any] | None = None,
        extra_config: dict[str, Any] | None = None,
    ) -> Path:
        docs = self.root / "docs"
        for rel, text in files.items():
            path = docs / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
        options = {"search_index": False, **(plugin or {})}
        config = {
            "site_name": "Test KB",
            "theme": {"name": "material", "font": False},
            "plugins": ["search", "tags", {"kb": options}],
            "markdown_extensions": ["admonition", "attr_list", "toc", "tables"],
            "extra": {"company": "Example Hosting", "support_email": "support@example.com"},
            **(extra_config or {}),
        }
        (self.root / "mkdocs.yml").write_text(yaml.safe_dump(config))
        return self.root / "mkdocs.yml"

    def load(self, **overrides: Any) -> Any:
        from mkdocs.config import load_config

        return load_config(config_file=str(self.root / "mkdocs.yml"), **overrides)

    def build(self, **overrides: Any) -> Path:
        from kb_builder.building import build_site

        build_site(self.load(**overrides))
        return self.root / "site"


@pytest.fixture
def site_factory(tmp_path: Path) -> SiteFactory:
    return SiteFactory(tmp_path)


def minimal_sections() -> dict[str, str]:
    """Landing pages for the default sections, so a test site is complete."""
    names = ("whm", "cpanel", "email", "hosting", "security", "support")
    pages = {f"{s}/index.md": f"---\ntitle: {s.upper()}\n---\n\nAbout {s}.\n" for s in names}
    pages["index.md"] = "---\ntitle: Home\n---\n\nWelcome.\n"
    return pages


@pytest.fixture
def make_site(site_factory: SiteFactory) -> Callable[..., SiteFactory]:
    def make(files: dict[str, str], **kwargs: Any) -> SiteFactory:
        site_factory.write({**minimal_sections(), **files}, **kwargs)
        return site_factory

    return make

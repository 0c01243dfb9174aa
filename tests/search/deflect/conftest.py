"""Fixtures for the deflection tests: a real index of the repository's articles and the
labelled dev tickets."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
DEV_TICKETS = Path(
    os.environ.get("KB_DEV_TICKETS", REPO.parent / "shared" / "dev" / "tickets.jsonl")
)


def build_repo_index(index_dir: Path) -> Any:
    """Index the articles in the repository's docs/ the way `kb build` does; open it."""
    import search
    from kb_builder.core.articles import load_articles, to_documents

    extra = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8")).get("extra", {})
    documents = to_documents(load_articles(REPO / "docs"), extra)
    search.build_index(documents, index_dir)
    return search.open_index(index_dir)


@pytest.fixture(scope="session")
def repo_kb(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The repository's knowledge base, indexed once per test session."""
    return build_repo_index(tmp_path_factory.mktemp("repo-index") / "index")


@pytest.fixture(scope="session")
def dev_tickets() -> list[dict[str, Any]]:
    """The 60 labelled dev tickets (``$KB_DEV_TICKETS`` or ``../shared/dev/tickets.jsonl``)."""
    if not DEV_TICKETS.is_file():
        pytest.fail(f"dev tickets not found at {DEV_TICKETS}: set KB_DEV_TICKETS")
    with DEV_TICKETS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]

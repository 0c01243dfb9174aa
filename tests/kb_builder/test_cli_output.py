"""What ``kb check``, ``kb search`` and ``kb suggest`` print, line for line: the cli only
parses options; the lines come from kb_builder.terminal and kb_builder.core.problems."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import search
from kb_builder.cli import main
from kb_builder.core.problems import Problem, Severity, failed, summary
from tests.search.conftest import DOCS


def test_check_counts_and_fails() -> None:
    error = Problem("docs/a.md", 1, "title", "a string", "nothing")
    warning = Problem("docs/a.md", 2, "tags", "known tags", "'x'", Severity.WARNING)
    assert summary([error, warning]) == "1 error(s), 1 warning(s)"
    assert summary([]) == "0 error(s), 0 warning(s)"
    assert failed([error], strict=False) and failed([warning], strict=True)
    assert not failed([warning], strict=False) and not failed([], strict=True)


def test_search_and_suggest_print_lines(tmp_path: Path) -> None:
    search.build_index(DOCS, tmp_path / "index")
    runner = CliRunner()
    index = ["--index-dir", str(tmp_path / "index")]
    found = runner.invoke(main, ["search", "bounse 550", "--limit", "1", *index])
    assert found.exit_code == 0
    lines = found.stdout.splitlines()
    assert lines[0] == "Did you mean: bounce 550"
    assert lines[1].startswith(" 1. Understanding bounce messages  [email/bounces-ndr.md]  ")
    assert lines[2:] == ["    Read a bounce: who rejected the mail and why."]
    nothing = runner.invoke(main, ["search", "zzqqxx", *index])
    assert nothing.stdout == "No results.\n"

    ticket = runner.invoke(
        main, ["suggest", "--body", "my mail comes back with 550 5.1.1, password hunter2", *index]
    )
    assert ticket.exit_code == 0
    lines = ticket.stdout.splitlines()
    assert lines[0].startswith("Priority: ")
    assert lines[1].startswith("Warning (password): ")
    assert lines[2].startswith("Channel: ")
    assert lines[3].startswith("Articles (") and lines[3].endswith(" confidence):")
    assert lines[4].startswith(" 1. Understanding bounce messages  [email/bounces-ndr.md]  ")

"""``kb new``: the README's example on the shipped knowledge base, titles that exist, and
a template nobody filled in."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def kb(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kb_builder.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def shipped_kb(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def readme_authoring_commands() -> list[list[str]]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Writing articles", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    return [
        shlex.split(line, comments=True)
        for line in block.group(1).splitlines()
        if line.startswith(("kb new", "kb check"))
    ]


def test_the_readme_example_works_as_written_on_the_shipped_knowledge_base(
    tmp_path: Path,
) -> None:
    root = shipped_kb(tmp_path)
    commands = readme_authoring_commands()
    assert [c[:2] for c in commands] == [["kb", "new"], ["kb", "check"]]
    new, check = commands
    done = kb(*new[1:], cwd=root)
    assert done.returncode == 0, done.stderr
    written = check[2]
    assert done.stdout == (f"Wrote {root / written}. Fill it in, then: kb check {root / written}\n")
    checked = kb(*check[1:], cwd=root)
    assert (checked.returncode, checked.stdout, checked.stderr) == (
        0,
        "",
        "0 error(s), 0 warning(s)\n",
    )
    # The whole knowledge base, draft included, still passes.
    assert kb("check", "--strict", cwd=root).returncode == 0


def test_a_title_another_article_has_is_refused_naming_it(tmp_path: Path) -> None:
    root = shipped_kb(tmp_path)
    before = sorted(p.name for p in (root / "docs" / "email").iterdir())
    done = kb("new", "Setting up an autoresponder", "--section", "email", cwd=root)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "Error: 'Setting up an autoresponder' is already the title of "
        "docs/email/autoresponders.md: edit that article, or choose another title\n"
    )
    assert sorted(p.name for p in (root / "docs" / "email").iterdir()) == before
    # Case and spacing do not make it another title.
    done = kb("new", "setting up  an AUTORESPONDER", "--section", "cpanel", cwd=root)
    assert done.returncode == 1 and "docs/email/autoresponders.md" in done.stderr


def test_an_unfilled_template_is_an_error_once_it_is_no_longer_a_draft(tmp_path: Path) -> None:
    root = shipped_kb(tmp_path)
    assert (
        kb("new", "Reading the headers of an email", "--section", "email", cwd=root).returncode == 0
    )
    path = root / "docs" / "email" / "reading-the-headers-of-an-email.md"
    assert kb("check", str(path), cwd=root).returncode == 0  # a draft may be unfinished
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true\n", ""))
    checked = kb("check", "--strict", str(path), cwd=root)
    shown = "docs/email/reading-the-headers-of-an-email.md"
    own = "expected the article's own text in place of the template's"
    assert checked.stdout.splitlines() == [
        f"{shown}:3: 'summary': {own}, got "
        "'TODO: one or two sentences on reading the headers of an email.'",
        f"{shown}:5: 'keywords': expected the words customers search with, at least one, got []",
        f"{shown}:15: 'template': {own}, got "
        "'What the customer sees, in their words, with the exact error text:'",
        f"{shown}:18: 'template': {own}, got 'Paste the exact error message here.'",
        f"{shown}:23: 'template': {own}, got '1. Open *cPanel » ...*.'",
        f"{shown}:24: 'template': {own}, got '2. ...'",
        f"{shown}:25: 'template': {own}, got '3. ...'",
        f"{shown}:27: 'template': {own}, got '!!! warning \"Before a destructive step\"'",
        f"{shown}:28: 'template': {own}, got "
        "'Say what will be lost and how to take a backup first. Delete this box if no ste…'",
    ]
    assert checked.returncode == 1

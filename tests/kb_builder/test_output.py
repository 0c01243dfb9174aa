"""Publishing a build: the new output replaces the old in one step, and the old one is
deleted without holding the build up."""

from __future__ import annotations

import os
import time
from pathlib import Path

from kb_builder import output


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}


def test_replace_dir_publishes_the_new_output_and_deletes_the_old_in_the_background(
    tmp_path: Path,
) -> None:
    final = tmp_path / "site"
    (final / "email").mkdir(parents=True)
    (final / "email" / "old.html").write_text("old")
    staging = tmp_path / ".staging-site-1"
    staging.mkdir()
    (staging / "index.html").write_text("new")
    output.replace_dir(staging, final)
    assert _tree(final) == {"index.html": "new"}
    assert not staging.exists()
    deadline = time.monotonic() + 10
    while [p for p in tmp_path.iterdir() if p.name != "site"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_an_old_output_left_undeleted_is_removed_by_the_next_build(tmp_path: Path) -> None:
    final = tmp_path / "site"
    final.mkdir()
    leftover = tmp_path / ".trash-site-abc"
    (leftover / "email").mkdir(parents=True)
    (tmp_path / ".staging-site-def").mkdir()
    unrelated = tmp_path / ".trash-other-ghi"
    unrelated.mkdir()
    output.remove_stale_staging(final)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".trash-other-ghi", "site"]


def test_point_link_turns_a_folder_into_a_link_in_one_step(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "old.html").write_text("old")
    (tmp_path / "release" / "site").mkdir(parents=True)
    (tmp_path / "release" / "site" / "index.html").write_text("new")
    output.point_link(tmp_path / "site", tmp_path / "release" / "site")
    assert (tmp_path / "site").is_symlink()
    assert os.readlink(tmp_path / "site") == "release/site"
    assert _tree(tmp_path / "site") == {"index.html": "new"}
    output.point_link(tmp_path / "site", tmp_path / "release" / "site")  # already there
    deadline = time.monotonic() + 10
    while len(list(tmp_path.iterdir())) > 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release", "site"]

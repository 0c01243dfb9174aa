"""`kb build` publishes one checksummed release; `kb release push` copies it to a folder or
an HTTP object store; an API host fetches only verified index files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import search
from kb_builder.cli import main
from kb_builder.publish import current_release
from kb_builder.release import (
    MANIFEST,
    ReleaseError,
    fetch_index,
    push,
    verify_release,
)
from tests.conftest import SiteFactory, article, minimal_sections
from tests.kb_builder.test_build import tree_digest
from tests.put_server import PutServer


@pytest.fixture
def built(site_factory: SiteFactory) -> SiteFactory:
    site_factory.write(
        {**minimal_sections(), "email/quota.md": article("Mailbox quota", "The quota is full.")},
        plugin={"search_index": True},
    )
    site_factory.build()
    return site_factory


def test_a_build_publishes_site_and_index_as_one_release(built: SiteFactory) -> None:
    root = built.root
    release = current_release(root / ".kb")
    assert release is not None
    manifest = verify_release(release)
    assert os.readlink(root / "site") == ".kb/releases/current/site"
    assert os.readlink(root / ".kb" / "index") == "releases/current/index"
    assert os.readlink(root / ".kb" / "releases" / "current") == release.name
    # Every file of the site and the index, with its checksum, and nothing else.
    assert set(manifest.files) == {f"site/{p}" for p in tree_digest(root / "site")} | {
        f"index/{p.name}" for p in (release / "index").iterdir()
    }
    assert (
        manifest.files["site/email/quota/index.html"].sha256
        == (tree_digest(root / "site")["email/quota/index.html"])
    )
    kb = search.open_index(root / ".kb" / "index")
    assert kb.generation_name == release.name == manifest.release
    assert kb.query("quota").paths == ["email/quota.md"]


def test_a_new_build_switches_site_and_index_together_and_keeps_three(
    built: SiteFactory,
) -> None:
    root = built.root
    kb = search.open_index(root / ".kb" / "index")
    seen = []
    for n in range(4):
        (root / "docs" / "email" / "quota.md").write_text(article(f"Mailbox quota {n}"))
        built.build()
        release = current_release(root / ".kb")
        assert release is not None
        seen.append(release.name)
        assert kb.generation_name == release.name  # the open handle followed the switch
        assert f"Mailbox quota {n}" in (root / "site/email/quota/index.html").read_text()
    kept = sorted(p.name for p in (root / ".kb" / "releases").iterdir() if p.name[0].isdigit())
    assert kept == seen[-3:]
    assert [p.name for p in (root / ".kb" / "releases").iterdir() if p.name[0] == "."] == []


def test_a_site_from_before_releases_is_replaced_by_the_link(site_factory: SiteFactory) -> None:
    root = site_factory.root
    site_factory.write(
        {**minimal_sections(), "email/quota.md": article("Quota")}, plugin={"search_index": True}
    )
    (root / "site").mkdir()
    (root / "site" / "old.html").write_text("old")
    site_factory.build()
    assert (root / "site").is_symlink()
    assert not (root / "site" / "old.html").exists()
    assert (root / "site" / "index.html").is_file()


def test_verify_names_an_altered_a_missing_and_an_extra_file(built: SiteFactory) -> None:
    release = current_release(built.root / ".kb")
    assert release is not None
    work = built.root / "copy" / release.name
    shutil.copytree(release, work)
    page = work / "site" / "email" / "quota" / "index.html"
    page.write_text(page.read_text() + "<script>x</script>")
    with pytest.raises(ReleaseError) as caught:
        verify_release(work)
    assert str(caught.value) == (
        f"release {release.name}: site/email/quota/index.html does not match its checksum"
    )
    page.unlink()
    with pytest.raises(ReleaseError) as caught:
        verify_release(work)
    assert str(caught.value) == f"release {release.name}: site/email/quota/index.html is missing"
    shutil.copy(release / "site/email/quota/index.html", page)
    (work / "index" / "_MAIN_9.toc").write_bytes(b"a stray pickle")
    with pytest.raises(ReleaseError) as caught:
        verify_release(work)
    assert str(caught.value) == f"release {release.name}: index/_MAIN_9.toc is not in the manifest"


def test_a_manifest_path_outside_the_release_is_refused(built: SiteFactory) -> None:
    release = current_release(built.root / ".kb")
    assert release is not None
    work = built.root / "copy" / release.name
    shutil.copytree(release, work)
    data = json.loads((work / MANIFEST).read_text())
    data["files"]["index/../../../etc/passwd"] = {"sha256": "0" * 64, "size": 1}
    (work / MANIFEST).write_text(json.dumps(data))
    with pytest.raises(ReleaseError) as caught:
        verify_release(work)
    assert str(caught.value) == (
        f"release {release.name}: refusing the path 'index/../../../etc/passwd'"
    )


def test_push_to_a_folder_then_fetch_installs_the_index(built: SiteFactory, tmp_path: Path) -> None:
    index_dir = str(built.root / ".kb" / "index")
    result = CliRunner().invoke(
        main, ["release", "push", str(tmp_path / "store"), "--index-dir", index_dir]
    )
    assert result.exit_code == 0, result.output
    release = current_release(built.root / ".kb")
    assert release is not None
    assert f"Pushed release {release.name} (" in result.output
    assert (tmp_path / "store" / "LATEST").read_text() == release.name + "\n"
    host = tmp_path / "api-host" / "index"
    assert fetch_index(str(tmp_path / "store"), host) == release.name
    assert fetch_index(str(tmp_path / "store"), host) is None  # already installed
    assert os.readlink(host) == f"releases/{release.name}/index"
    # The API host gets the index, not the site.
    assert sorted(p.name for p in host.parent.joinpath("releases", release.name).iterdir()) == [
        "index",
        MANIFEST,
    ]
    assert search.open_index(host).query("quota").paths == ["email/quota.md"]


def test_push_to_an_http_store_and_fetch_from_it(built: SiteFactory, tmp_path: Path) -> None:
    release = current_release(built.root / ".kb")
    assert release is not None
    with PutServer(tmp_path / "objects") as store:
        manifest = push(release, store.url + "/kb")
        # Files first, the manifest after them, LATEST last.
        assert store.puts[-2:] == [f"/kb/releases/{release.name}/{MANIFEST}", "/kb/LATEST"]
        assert len(store.puts) == len(manifest.files) + 2
        host = tmp_path / "api-host" / "index"
        assert fetch_index(store.url + "/kb", host) == release.name
        fetched = [g for g in store.gets if "/site/" in g]
        assert fetched == []
    assert search.open_index(host).generation_name == release.name


def test_a_tampered_file_in_the_store_is_never_installed(
    built: SiteFactory, tmp_path: Path
) -> None:
    release = current_release(built.root / ".kb")
    assert release is not None
    push(release, str(tmp_path / "store"))
    (toc,) = (tmp_path / "store" / "releases" / release.name / "index").glob("_MAIN_*.toc")
    toc.write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")  # a pickle that runs a command
    host = tmp_path / "api-host" / "index"
    with pytest.raises(ReleaseError) as caught:
        fetch_index(str(tmp_path / "store"), host)
    assert str(caught.value) == (
        f"release {release.name} at {tmp_path / 'store'}: index/{toc.name} does not match its "
        "checksum"
    )
    assert not host.exists() and not host.is_symlink()
    assert list((host.parent / "releases").iterdir()) == []


def test_with_a_release_key_an_unsigned_or_forged_manifest_is_refused(
    built: SiteFactory, tmp_path: Path
) -> None:
    release = current_release(built.root / ".kb")
    assert release is not None
    push(release, str(tmp_path / "store"))
    host = tmp_path / "api-host" / "index"
    with pytest.raises(ReleaseError) as caught:
        fetch_index(str(tmp_path / "store"), host, key=b"secret")
    assert str(caught.value) == (
        f"release {release.name} at {tmp_path / 'store'}: the manifest is not signed, and "
        "KB_RELEASE_KEY is set"
    )
    push(release, str(tmp_path / "store"), key=b"other")
    with pytest.raises(ReleaseError) as caught:
        fetch_index(str(tmp_path / "store"), host, key=b"secret")
    assert str(caught.value).endswith("the manifest's signature does not match KB_RELEASE_KEY")
    push(release, str(tmp_path / "store"), key=b"secret")
    assert fetch_index(str(tmp_path / "store"), host, key=b"secret") == release.name


def test_push_without_a_release_says_so(tmp_path: Path) -> None:
    index_dir = str(tmp_path / ".kb" / "index")
    result = CliRunner().invoke(
        main, ["release", "push", str(tmp_path / "store"), "--index-dir", index_dir]
    )
    assert result.exit_code == 1
    assert f"Error: no release in {tmp_path / '.kb' / 'releases'}: run kb build" in result.output

"""``kb verify``: real builds in ``tmp_path``, with and without the kb plugin."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner
from mkdocs.config import load_config

from kb_builder import plugin, verify
from kb_builder.building import build_site
from kb_builder.cli import main
from tests.conftest import SiteFactory, article, minimal_sections

ARTICLES = {
    "email/quota.md": article("Mailbox quota", "Mailbox quota full, mailbox storage."),
    "email/storage.md": article("Mailbox storage", "Mailbox storage and quota."),
    "hosting/disk.md": article("Disk usage", "Disk space of the hosting account."),
}


def kb(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def built(make_site, files=ARTICLES):
    """A site built by `kb build` with its search index; returns its mkdocs.yml."""
    site = make_site(files, plugin={"search_index": True})
    config = site.root / "mkdocs.yml"
    code, output = kb("build", "-f", str(config))
    assert code == 0, output
    return config


def without_kb_plugin(config: Path) -> Path:
    """The same configuration with the kb plugin left out: what Zensical runs."""
    data = yaml.safe_load(config.read_text())
    data["plugins"] = [p for p in data["plugins"] if not (isinstance(p, dict) and "kb" in p)]
    plain = config.with_name("plain.yml")
    plain.write_text(yaml.safe_dump(data))
    return plain


def test_placeholders_are_the_plugins():
    assert verify.PLACEHOLDERS == (plugin.BLOCKS_MARKER_HTML, plugin.RELATED_PENDING_HTML)
    assert verify.ASSETS_URI == plugin.ASSETS_URI


def test_a_kb_build_passes_verify(make_site):
    config = built(make_site)
    code, output = kb("verify", "-f", str(config), str(config.parent / "site"))
    assert code == 0, output
    assert "3 article pages, index matches (3 documents)" in output


def test_a_site_built_without_the_kb_plugin_fails_naming_what_is_missing(make_site):
    config = built(make_site)  # the index of a real build stays, as on a build host
    plain = without_kb_plugin(config)
    site_dir = config.parent / "plain-site"
    # `kb build` refuses it, before writing anything.
    code, output = kb("build", "-f", str(plain), "-d", str(site_dir))
    assert code == 1 and "the kb plugin is not in plugins" in output
    assert not site_dir.exists()
    # MkDocs itself builds it, as a generator that skips MkDocs plugins would.
    build_site(load_config(config_file=str(plain), site_dir=str(site_dir)))
    code, output = kb("verify", "-f", str(config), str(site_dir))
    assert code == 1
    for missing in (
        "lacks what the kb plugin adds",
        "assets/kb/: missing kb-feedback.css",
        "no page carries the kb:path marker",
        "3 page(s) in section folders lack the kb:path marker: email/quota/index.html",
        "index.html: no section grid",
        "email/index.html: no section listing",
        "3 indexed article(s) have no page in the site: email/quota.md",
    ):
        assert missing in output, output


def test_an_index_from_another_site_fails(make_site, tmp_path_factory):
    config = built(make_site)
    other_root = tmp_path_factory.mktemp("other")
    other = {"email/spam.md": article("Spam filter"), "email/quota.md": ARTICLES["email/quota.md"]}
    SiteFactory(other_root).write({**minimal_sections(), **other}, plugin={"search_index": True})
    code, output = kb("build", "-f", str(other_root / "mkdocs.yml"))
    assert code == 0, output
    code, output = kb(
        "verify",
        "-f",
        str(config),
        "--index-dir",
        str(other_root / ".kb" / "index"),
        str(config.parent / "site"),
    )
    assert code == 1
    assert "2 article page(s) are not in the index: email/storage.md, hosting/disk.md" in output
    assert "1 indexed article(s) have no page in the site: email/spam.md" in output


def test_no_index_and_a_page_lost_after_the_build_fail(make_site):
    config = built(make_site)
    site_dir = config.parent / "site"
    shutil.rmtree(site_dir / "email" / "storage")
    (site_dir / "hosting" / "disk" / "index.html").write_text(
        (site_dir / "hosting" / "disk" / "index.html").read_text() + plugin.RELATED_PENDING_HTML
    )
    code, output = kb("verify", "-f", str(config), "--index-dir", "/nonexistent", str(site_dir))
    assert code == 1
    assert "no search index: cannot open the search index at /nonexistent" in output
    assert "1 page(s) still hold a kb placeholder: hosting/disk/index.html" in output
    code, output = kb("verify", "-f", str(config), str(site_dir))
    assert "email/index.html: the section listing shows 2 article(s), the site has 1" in output
    assert "1 indexed article(s) have no page in the site: email/storage.md" in output


def test_verify_reads_mkdocs_yml_as_plain_yaml(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_dir: out\n"
        "plugins:\n  - search\n  - kb:\n      sections: [email]\n      search_index: false\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "extra:\n  key: !ENV [KB_NOT_SET, x]\n"
    )
    expectations, site_dir = verify.expectations_from_config(tmp_path / "mkdocs.yml")
    assert site_dir == tmp_path / "out"
    assert expectations.sections == ("email",) and expectations.index_dir is None
    report = verify.verify_site(site_dir, expectations)
    assert report.missing == [f"{site_dir}: no built site (no HTML page at its top)"]


def test_a_build_that_fails_verify_keeps_the_previous_site(make_site, monkeypatch):
    config = built(make_site)
    site_dir = config.parent / "site"
    before = (site_dir / "email" / "quota" / "index.html").read_text()
    (config.parent / "docs" / "email" / "quota.md").write_text(article("Changed"))
    # As if a page lost its listings: the check runs on the staged site, before publishing.
    monkeypatch.setattr(verify, "PLACEHOLDERS", ("kb-block--related",))
    code, output = kb("build", "-f", str(config))
    assert code == 1
    assert "kb verify failed, previous site kept" in output and "placeholder" in output
    assert (site_dir / "email" / "quota" / "index.html").read_text() == before

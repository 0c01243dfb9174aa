"""The ``kb verify`` command, and what ``kb build`` checks with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kb_builder.verify import (
    Expectations,
    expectations_from_config,
    failure_message,
    verify_site,
)

__all__ = ["require_kb_plugin", "verify_command"]


@click.command("verify")
@click.argument("site_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default="mkdocs.yml",
    show_default=True,
    help="Where the kb plugin's options are read (if the file exists).",
)
@click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The search index that must match the site.  [default: the plugin's, .kb/index]",
)
@click.option("--no-index", is_flag=True, help="Do not check the search index.")
def verify_command(
    site_dir: Path | None, config_file: Path, index_dir: Path | None, no_index: bool
) -> None:
    """Check that SITE_DIR (default: site/) has what the kb plugin adds.

    Its markers, section listings, assets under assets/kb/, and a search index with the
    same articles. Exit 1, naming what is missing, if not.
    """
    if config_file.is_file():
        expectations, configured_site = expectations_from_config(config_file)
    else:
        expectations, configured_site = Expectations(), Path("site")
    if index_dir is not None or no_index:
        expectations = Expectations(
            sections=expectations.sections,
            widgets=expectations.widgets,
            index_dir=None if no_index else index_dir,
            problems=expectations.problems,
        )
    report = verify_site(site_dir or configured_site, expectations)
    if not report.ok:
        raise click.ClickException(failure_message(report))
    click.echo(f"OK: {report.summary()}")


def require_kb_plugin(config: Any) -> None:
    """``kb build`` refuses a configuration without the kb plugin (before writing site/)."""
    if config.plugins.get("kb") is None:
        raise click.ClickException(
            f"{config.config_file_path}: the kb plugin is not in plugins; without it the "
            "site would have no checks, listings, related articles, index or widgets"
        )

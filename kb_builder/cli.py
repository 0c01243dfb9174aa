"""The ``kb`` command: parses options and calls one library function per command."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from kb_feedback import DEFAULT_DATABASE_FILE
from search import DEFAULT_INDEX_DIR

if TYPE_CHECKING:
    from search.knowledge_base import KnowledgeBase

__all__ = ["main"]

log = logging.getLogger(__name__)

INDEX_OPTION = click.option(
    "--index-dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_INDEX_DIR,
    show_default=True,
    envvar="KB_INDEX_DIR",
    help="The search index built by kb build.",
)

CONFIG_OPTION = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default="mkdocs.yml",
    show_default=True,
    help="The site's MkDocs configuration.",
)


def _setup_logging(verbose: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    for name in ("mkdocs", "kb_builder", "search", "kb_api"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.DEBUG if verbose else logging.INFO)
        logger.propagate = False


def _load(config_file: Path, **overrides: Any) -> Any:
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    if not config_file.is_file():
        raise click.ClickException(f"{config_file}: no such file (run kb in the site's folder)")
    try:
        return load_config(config_file=str(config_file), **overrides)
    except ConfigurationError as e:
        raise click.ClickException(f"{config_file}: {e}") from e


@click.group()
@click.version_option(package_name="hosting-kb")
def main() -> None:
    """Build, check, search and serve the hosting knowledge base."""


@main.command()
@CONFIG_OPTION
@click.option("-s", "--strict", is_flag=True, help="Fail on warnings too.")
@click.option("-d", "--site-dir", type=click.Path(file_okay=False), help="Output directory.")
@click.option("-v", "--verbose", is_flag=True)
def build(config_file: Path, strict: bool, site_dir: str | None, verbose: bool) -> None:
    """Build the static site into site/ (replaced only when the build succeeds)."""
    from kb_builder.building import BuildFailed, build_site

    _setup_logging(verbose)
    overrides: dict[str, Any] = {"strict": strict}
    if site_dir:
        overrides["site_dir"] = site_dir
    config = _load(config_file, **overrides)
    from kb_builder.verify_command import require_kb_plugin

    require_kb_plugin(config)
    try:
        build_site(config)
    except BuildFailed as e:
        raise click.ClickException(str(e)) from e


@main.command()
@CONFIG_OPTION
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-s", "--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="github: GitHub Actions annotations for pull-request checks.",
)
@click.option(
    "--drafts/--no-drafts",
    default=True,
    show_default=True,
    help="Check drafts as part of the site.",
)
def check(config_file: Path, paths: tuple[Path, ...], strict: bool, fmt: str, drafts: bool) -> None:
    """Check articles without building: every problem, with file and line."""
    from kb_builder.building import check_site
    from kb_builder.core.problems import failed, format_github, format_text, summary

    problems = check_site(_load(config_file), paths, include_drafts=drafts)
    for line in (format_github if fmt == "github" else format_text)(problems):
        click.echo(line)
    click.echo(summary(problems), err=True)
    if failed(problems, strict=strict):
        sys.exit(1)


@main.command()
@CONFIG_OPTION
@click.argument("title")
@click.option("--section", required=True, help="Section folder, e.g. email.")
@click.option("--name", help="File name without .md (default: from the title).")
@click.option("--summary", default="", help="One or two sentences for listings.")
def new(config_file: Path, title: str, section: str, name: str | None, summary: str) -> None:
    """Write a new article from the template (never overwrites)."""
    from kb_builder.building import site_sections
    from kb_builder.core.scaffold import ArticleExists, new_article

    config = _load(config_file)
    sections = site_sections(config) if "kb" in config.plugins else ()
    if sections and section not in sections:
        raise click.BadParameter(
            f"expected one of {', '.join(sections)}, got {section!r}", param_hint="--section"
        )
    try:
        path = new_article(Path(config.docs_dir), title, section, name=name, summary=summary)
    except ArticleExists as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Wrote {path}. Fill it in, then: kb check {path}")


@main.command()
@CONFIG_OPTION
@click.option(
    "-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
@click.option("-v", "--verbose", is_flag=True)
def serve(config_file: Path, dev_addr: str, verbose: bool) -> None:
    """Preview the site (drafts included) with live reload, and its API under /api."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _setup_logging(verbose)
    # Dirty builds re-render only what an edit changed (the plugin adds the listings that
    # show it), so a save shows in about a second even with thousands of articles.
    # MkDocs warns about every dirty build; here that is the design, not news.
    logging.getLogger("mkdocs.commands.build").addFilter(
        lambda record: "'dirty' build" not in record.getMessage()
    )
    _load(config_file)  # fail early with a clear message
    # Live reload stays on: MkDocs runs the plugins' on_serve (which mounts the API)
    # only in live-reload mode.
    mkdocs_serve(
        config_file=str(config_file), livereload=True, dev_addr=dev_addr, build_type="dirty"
    )


@main.command("search")
@click.argument("query", required=False)
@click.option("--section", help="Only this section.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.option("--batch", type=click.File("r"), help="JSON Lines {id, query} ('-' = stdin).")
@INDEX_OPTION
def search_command(
    query: str | None,
    section: str | None,
    limit: int,
    as_json: bool,
    batch: TextIO | None,
    index_dir: Path,
) -> None:
    """Search the knowledge base."""
    if (query is None) == (batch is None):
        raise click.UsageError("give a QUERY or --batch FILE")
    kb = _open_kb(index_dir)
    if batch is not None:
        from search.batch import run_batch

        if run_batch(batch, sys.stdout, kb, limit=limit, section=section):
            sys.exit(1)
        return
    from kb_builder.terminal import search_lines

    assert query is not None
    results = kb.query(query, limit=limit, section=section)
    if as_json:
        click.echo(json.dumps({"query": query, **results.to_dict()}, ensure_ascii=False))
        return
    for line in search_lines(results):
        click.echo(line)


def _open_kb(index_dir: Path) -> KnowledgeBase:
    import search

    try:
        return search.open_index(index_dir)
    except search.IndexNotFound as e:
        raise click.ClickException(f"{e} (run 'kb build' first)") from e


@main.command("suggest")
@click.option("--subject", default="", help="The ticket's subject.")
@click.option("--body", default="", help="The ticket's text.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.option(
    "--batch",
    type=click.File("r"),
    help="JSON Lines {id, subject, body} ('-' = stdin); one JSON line out per input.",
)
@INDEX_OPTION
def suggest_command(
    subject: str, body: str, as_json: bool, batch: TextIO | None, index_dir: Path
) -> None:
    """Suggest articles for a ticket and apply the support policy to it."""
    from kb_builder.terminal import suggestion_lines
    from search.batch import run_suggest_batch
    from search.deflect import suggest

    kb = _open_kb(index_dir)
    if batch is not None:
        errors = run_suggest_batch(batch, sys.stdout, kb)
        if errors:
            sys.exit(1)
        return
    if not (subject or body):
        raise click.UsageError("give --subject and/or --body, or --batch FILE")
    result = suggest(subject, body, kb=kb)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    for line in suggestion_lines(result):
        click.echo(line)


@main.command("api")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="Worker processes, each with the index open read-only.  [default: one per CPU, at most 8]",
)
@click.option(
    "--forwarded-allow-ips",
    default=None,
    help="Load balancer addresses whose X-Forwarded-For is trusted.",
)
@click.option(
    "--index-from",
    "index_from",
    default=None,
    envvar="KB_INDEX_FROM",
    metavar="SOURCE",
    help="Fetch the index from the releases at SOURCE (a folder or an http(s) URL that "
    "kb release push wrote), verify it, install it at KB_INDEX_DIR, and follow new ones.",
)
@click.option(
    "--poll-seconds",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.1),
    envvar="KB_INDEX_POLL_SECONDS",
    help="With --index-from: how often to look for a new release.",
)
def api_command(
    host: str,
    port: int,
    workers: int | None,
    forwarded_allow_ips: str | None,
    index_from: str | None,
    poll_seconds: float,
) -> None:
    """Run the HTTP API alone (production), configured by KB_* environment variables."""
    from kb_api import Settings, SettingsError, serve_main

    if workers is None:
        # Search and suggest are CPU work under one interpreter lock per process: one
        # worker per CPU is what bench/serve.py needed for p99 <= 50 ms at 200 req/s.
        workers = min(os.cpu_count() or 1, 8)

    try:
        settings = Settings.from_env()
    except SettingsError as e:
        raise click.ClickException(str(e)) from e
    serve_main(
        settings,
        host=host,
        port=port,
        workers=workers,
        forwarded_allow_ips=forwarded_allow_ips,
        index_from=index_from,
        poll_seconds=poll_seconds,
    )


@main.group()
def release() -> None:
    """Releases: the site and index of one build, checksummed (.kb/releases)."""


@release.command("push")
@INDEX_OPTION
@click.argument("dest")
def release_push(index_dir: Path, dest: str) -> None:
    """Copy the published release to DEST: a folder, or an http(s) URL that accepts PUT."""
    from kb_builder.publish import current_release
    from kb_builder.release import ReleaseError, push, release_key

    _setup_logging()
    found = current_release(index_dir.parent)
    if found is None:
        raise click.ClickException(f"no release in {index_dir.parent / 'releases'}: run kb build")
    try:
        manifest = push(found, dest, key=release_key())
    except (ReleaseError, OSError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Pushed release {manifest.release} ({len(manifest.files)} files) to {dest}")


def _database_url(explicit: str | None) -> str:
    from kb_api import Settings, SettingsError

    if explicit:
        return explicit
    try:
        return Settings.from_env().database_url
    except SettingsError as e:
        raise click.ClickException(str(e)) from e


DATABASE_OPTION = click.option(
    "--database-url",
    envvar="KB_DATABASE_URL",
    help=f"SQLAlchemy URL of the feedback database (default: SQLite at {DEFAULT_DATABASE_FILE}).",
)


@main.command("report")
@CONFIG_OPTION
@DATABASE_OPTION
@click.option(
    "--days",
    default=30,
    show_default=True,
    type=click.IntRange(1, 3650),
    help="How many days back the report reads.",
)
@click.option(
    "--limit", default=10, show_default=True, type=click.IntRange(1, 200), help="Rows per table."
)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of tables.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a self-contained HTML report with charts to this file.",
)
@click.option(
    "--gap-limit",
    default=10,
    show_default=True,
    type=click.IntRange(1, 500),
    help="Rows of the content-gaps (and off-topic) tables.",
)
@click.option(
    "--min-votes",
    default=5,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Votes (or openings) below which a rate is not shown, only its counts.",
)
@click.option(
    "--gaps",
    is_flag=True,
    help="Write a draft article for each top content gap (never overwrites).",
)
@INDEX_OPTION
def report_command(
    config_file: Path,
    database_url: str | None,
    days: int,
    limit: int,
    as_json: bool,
    html_file: Path | None,
    gap_limit: int,
    min_votes: int,
    gaps: bool,
    index_dir: Path,
) -> None:
    """Deflection funnel, top and least helpful articles, and content gaps."""
    from kb_builder.reporting import open_published_index, report_for_site, write_gap_drafts
    from kb_feedback.report import render_html, render_text
    from kb_feedback.storage import StorageError

    config = _load(config_file)
    kb = open_published_index(index_dir)
    if kb is None:
        click.echo(
            f"No index at {index_dir}: searches nobody clicked are left out of the gaps", err=True
        )
    try:
        report = report_for_site(
            config,
            _database_url(database_url),
            days=days,
            limit=limit,
            gap_limit=gap_limit,
            min_votes=min_votes,
            kb=kb,
        )
        click.echo(report.to_json() if as_json else render_text(report))
        if html_file is not None:
            html_file.write_text(render_html(report), encoding="utf-8")
            click.echo(f"Wrote {html_file}", err=True)
    except StorageError as e:
        raise click.ClickException(str(e)) from e
    if gaps:
        for path in write_gap_drafts(config, report, kb):
            click.echo(f"Wrote draft {path}", err=True)


@main.command("purge")
@DATABASE_OPTION
@click.option(
    "--older-than-days",
    type=click.IntRange(0, 36500),
    help="Delete events, search queries and comments older than this (default: KB_RETENTION_DAYS).",
)
@click.option("--json", "as_json", is_flag=True)
def purge_command(database_url: str | None, older_than_days: int | None, as_json: bool) -> None:
    """Apply the retention policy now: delete old events, queries and comments."""
    from kb_api import Settings
    from kb_feedback.storage import StorageError, purge

    days = older_than_days if older_than_days is not None else Settings.from_env().retention_days
    try:
        result = purge(_database_url(database_url), days)
    except StorageError as e:
        raise click.ClickException(str(e)) from e
    data = result.to_dict()
    if as_json:
        click.echo(json.dumps(data))
    else:
        click.echo(", ".join(f"{k}: {v}" for k, v in data.items()))


from kb_builder.verify_command import verify_command  # noqa: E402

main.add_command(verify_command)

if __name__ == "__main__":
    main()

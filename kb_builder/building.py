"""Build and check a site from its loaded MkDocs configuration (what ``kb`` calls)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kb_builder.core.articles import DEFAULT_SECTIONS
from kb_builder.core.problems import Problem
from kb_builder.core.site import Site

__all__ = ["BuildFailed", "build_site", "check_site", "load_site", "site_sections"]


class BuildFailed(RuntimeError):
    """The build stopped; the previous site/ and index are untouched."""


def build_site(config: Any) -> None:
    """``mkdocs build`` with the plugin lifecycle that ``mkdocs build`` runs around it."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    try:
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (Abort, MkDocsException) as e:
        raise BuildFailed(f"Build failed, previous site kept: {e}") from e
    except OSError as e:
        # A full disk or a read-only folder: say which, without a traceback.
        where = f" ({e.filename})" if e.filename else ""
        raise BuildFailed(f"Build failed, previous site kept: {e.strerror or e}{where}") from e


def site_sections(config: Any) -> tuple[str, ...]:
    """The section folders the kb plugin's options name (the default ones without it)."""
    plugin = config.plugins.get("kb")
    return tuple(plugin.config.sections if plugin else DEFAULT_SECTIONS)


def load_site(config: Any, *, include_drafts: bool = True) -> Site:
    """The site's articles, with the kb plugin's options from the loaded configuration."""
    plugin = config.plugins.get("kb")
    return Site.load(
        config.docs_dir,
        sections=site_sections(config),
        extra=config.extra,
        nav=config.nav,
        review_after_days=plugin.config.review_after_days if plugin else 365,
        include_drafts=include_drafts,
        allowed_hosts=plugin.config.allowed_hosts if plugin else (),
        trusted_files=trusted_files(config),
    )


def trusted_files(config: Any) -> list[str]:
    """The scripts and stylesheets ``mkdocs.yml`` names (extra_javascript, extra_css)."""
    scripts = [getattr(s, "path", s) for s in config.extra_javascript]
    return [str(f) for f in (*config.extra_css, *scripts)]


def check_site(
    config: Any, paths: Iterable[Path] = (), *, include_drafts: bool = True
) -> list[Problem]:
    """Problems of the whole knowledge base, or only of the files under ``paths``."""
    site = load_site(config, include_drafts=include_drafts)
    problems = site.check()
    wanted = [Path(p).resolve() for p in paths]
    if not wanted:
        return problems
    docs = Path(config.docs_dir).resolve()

    def selected(problem: Problem) -> bool:
        rel = problem.path.split("/", 1)[-1] if "/" in problem.path else problem.path
        for article in site.articles:
            if article.shown_path == problem.path:
                rel = article.rel_path
        file = docs / rel
        return any(file == w or w in file.parents for w in wanted)

    return [p for p in problems if selected(p)]

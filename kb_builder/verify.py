"""``kb verify``: does a built site have what the ``kb`` plugin adds?

A generator that reads ``mkdocs.yml`` but runs no MkDocs plugins (Zensical does exactly
that, without an error) publishes a site with no checks, listings, related articles,
index or widgets. This module looks at the output alone, so it can judge a site built
by anything:

- every article page carries ``<meta name="kb:path">`` (the feedback widget and view
  counting read it) and references the scripts and styles under ``assets/kb/``, which
  must be there;
- the home page (if any) has the grid of sections, each section's landing page its
  listing, with as many articles as the site has pages in that section;
- no page still holds a placeholder the plugin fills in (``<!-- kb:blocks -->`` for the
  listings, ``<!-- kb:related -->`` for related articles);
- the search index exists and holds exactly the site's article pages.

Nothing here imports MkDocs: ``kb verify`` runs beside any generator.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from kb_builder.core.articles import DEFAULT_SECTIONS
from kb_builder.core.blocks import BLOCKS_MARKER_HTML, RELATED_PENDING_HTML

__all__ = [
    "Expectations",
    "VerifyReport",
    "expectations_from_config",
    "expectations_from_options",
    "failure_message",
    "verify_site",
    "verify_staged_site",
]

ASSETS_DIR = Path(__file__).parent / "assets"
ASSETS_URI = "assets/kb"
PAGE_SCRIPTS = {"kb-widget.js": "data-kb-widget"}
"""Scripts the plugin adds only to the pages that use them: name -> what such a page holds."""
# From the MkDocs-free core, which the plugin fills them from.
PLACEHOLDERS = (BLOCKS_MARKER_HTML, RELATED_PENDING_HTML)

_META = re.compile(r'<meta name="kb:path" content="([^"]*)">')
_LISTING_COUNT = re.compile(r'kb-block--section">\s*<h2 class="kb-block__title">(\d+) articles?')
_EXAMPLES = 3


@dataclass(frozen=True)
class Expectations:
    """What the ``kb`` plugin, as configured, adds to a site."""

    sections: tuple[str, ...] = DEFAULT_SECTIONS
    widgets: bool = True
    """Scripts and styles under ``assets/kb/`` on every page (plugin option ``widgets``)."""
    index_dir: Path | None = Path(".kb/index")
    """The search index that must match the site; None when the plugin builds none."""
    problems: tuple[str, ...] = ()
    """What is already wrong with the configuration (e.g. no ``kb`` plugin in it)."""


@dataclass
class VerifyReport:
    site_dir: Path
    missing: list[str] = field(default_factory=list)
    pages: int = 0
    articles: int = 0
    indexed: int | None = None

    @property
    def ok(self) -> bool:
        return not self.missing

    def summary(self) -> str:
        index = "" if self.indexed is None else f", index matches ({self.indexed} documents)"
        return f"{self.site_dir}: {self.pages} pages, {self.articles} article pages{index}"


class _TolerantLoader(yaml.SafeLoader):
    """Reads ``mkdocs.yml`` without running its ``!!python/name:`` or ``!ENV`` tags."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("!", _untagged)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _untagged)


def _kb_options(plugins: Any) -> Mapping[str, Any] | None:
    """The ``kb`` entry of ``plugins:`` (a list of names and mappings, or a mapping)."""
    if isinstance(plugins, Mapping):
        plugins = [{k: v} for k, v in plugins.items()]
    for entry in plugins or []:
        if entry == "kb":
            return {}
        if isinstance(entry, Mapping) and "kb" in entry:
            options = entry["kb"]
            return options if isinstance(options, Mapping) else {}
    return None


def expectations_from_options(
    options: Mapping[str, Any] | None, base_dir: Path, *, where: str = "mkdocs.yml"
) -> Expectations:
    """Expectations from the plugin's options (None: the plugin is not configured)."""
    if options is None:
        return Expectations(
            index_dir=base_dir / ".kb/index",
            problems=(f"{where}: the kb plugin is not in plugins",),
        )
    sections = options.get("sections") or DEFAULT_SECTIONS
    index_dir = base_dir / str(options.get("index_dir") or ".kb/index")
    return Expectations(
        sections=tuple(str(s) for s in sections),
        widgets=bool(options.get("widgets", True)),
        index_dir=index_dir if options.get("search_index", True) else None,
    )


def expectations_from_config(config_file: Path) -> tuple[Expectations, Path]:
    """What ``config_file`` (``mkdocs.yml``) asks of the site, and its ``site_dir``.

    Read as plain YAML: no generator, plugin or theme needs to be installed.
    """
    base = config_file.resolve().parent
    data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    site_dir = base / str(data.get("site_dir") or "site")
    options = _kb_options(data.get("plugins"))
    return expectations_from_options(options, base, where=str(config_file)), site_dir


def _examples(items: Iterable[str]) -> str:
    items = sorted(items)
    shown = ", ".join(items[:_EXAMPLES])
    return shown + (f" and {len(items) - _EXAMPLES} more" if len(items) > _EXAMPLES else "")


def _indexed_paths(index_dir: Path) -> set[str] | str:
    """The article paths in the index, or why it cannot be read."""
    import search

    try:
        kb = search.open_index(index_dir, warm=False)
    except search.SearchError as e:
        return str(e)
    try:
        return set(kb.paths)
    finally:
        kb.close()


def verify_site(site_dir: Path, expectations: Expectations = Expectations()) -> VerifyReport:
    """Everything the ``kb`` plugin should have added to ``site_dir`` and did not."""
    report = VerifyReport(site_dir)
    missing = report.missing
    missing.extend(expectations.problems)
    if not site_dir.is_dir() or next(site_dir.glob("*.html"), None) is None:
        missing.append(f"{site_dir}: no built site (no HTML page at its top)")
        return report
    sections = expectations.sections
    assets = sorted(a.name for a in ASSETS_DIR.iterdir()) if expectations.widgets else []
    if assets:
        absent = [a for a in assets if not (site_dir / ASSETS_URI / a).is_file()]
        if absent:
            missing.append(f"{ASSETS_URI}/: missing {_examples(absent)}")

    article_paths: dict[str, str] = {}  # kb:path -> page
    unmarked: list[str] = []  # pages in a section folder without kb:path
    no_assets: list[str] = []
    placeholders: list[str] = []
    landing_counts: dict[str, int | None] = {}
    home_grid: bool | None = None  # None: no home page
    for page in sorted(site_dir.rglob("*.html")):
        rel = page.relative_to(site_dir).as_posix()
        if rel.startswith(f"{ASSETS_URI}/"):
            continue
        report.pages += 1
        text = page.read_text(encoding="utf-8", errors="replace")
        parts = PurePosixPath(rel).parts
        in_section = len(parts) >= 2 and parts[0] in sections
        is_landing = in_section and len(parts) == 2 and parts[1] == "index.html"
        meta = _META.search(text)
        if meta is not None:
            article_paths[html.unescape(meta.group(1))] = rel
        elif in_section and not is_landing:
            unmarked.append(rel)
        if any(p in text for p in PLACEHOLDERS):
            placeholders.append(rel)
        if rel == "index.html":
            home_grid = "kb-block--sections" in text
        if is_landing:
            count = _LISTING_COUNT.search(text)
            landing_counts[parts[0]] = int(count.group(1)) if count else None
        if (meta is not None or is_landing or rel == "index.html") and any(
            f"{ASSETS_URI}/{a}" not in text for a in assets if a not in PAGE_SCRIPTS
        ):
            no_assets.append(rel)

    report.articles = len(article_paths)
    if not article_paths and unmarked:  # (a site may have no articles yet)
        missing.append('no page carries the kb:path marker (<meta name="kb:path">)')
    if unmarked:
        missing.append(
            f"{len(unmarked)} page(s) in section folders lack the kb:path marker: "
            f"{_examples(unmarked)}"
        )
    if no_assets:
        missing.append(
            f"{len(no_assets)} page(s) do not load the kb scripts and styles "
            f"({ASSETS_URI}/): {_examples(no_assets)}"
        )
    if placeholders:
        missing.append(
            f"{len(placeholders)} page(s) still hold a kb placeholder: {_examples(placeholders)}"
        )
    if home_grid is False:
        missing.append("index.html: no section grid (kb-block--sections)")
    per_section = Counter(
        PurePosixPath(p).parts[0]
        for p in article_paths
        if len(PurePosixPath(p).parts) == 2 and PurePosixPath(p).parts[0] in sections
    )
    for section in sections:
        where = f"{section}/index.html"
        if section not in landing_counts:
            continue  # no landing page: `kb check` reports it, not ours to add
        if landing_counts[section] is None:
            missing.append(f"{where}: no section listing (kb-block--section)")
        elif landing_counts[section] != per_section[section]:
            missing.append(
                f"{where}: the section listing shows {landing_counts[section]} article(s), "
                f"the site has {per_section[section]} article page(s) in {section}/"
            )
    if expectations.index_dir is not None:
        indexed = _indexed_paths(expectations.index_dir)
        if isinstance(indexed, str):
            missing.append(f"no search index: {indexed}")
        else:
            not_indexed = set(article_paths) - indexed
            no_page = indexed - set(article_paths)
            if not_indexed:
                missing.append(
                    f"{expectations.index_dir}: {len(not_indexed)} article page(s) are not "
                    f"in the index: {_examples(not_indexed)}"
                )
            if no_page:
                missing.append(
                    f"{expectations.index_dir}: {len(no_page)} indexed article(s) have no "
                    f"page in the site: {_examples(no_page)}"
                )
            if not not_indexed and not no_page:
                report.indexed = len(indexed)
    return report


def failure_message(report: VerifyReport, context: str = "") -> str:
    """What ``kb verify`` and a failed ``kb build`` print."""
    lines = "\n".join(f"  - {m}" for m in report.missing)
    return (
        f"{context}{report.site_dir} lacks what the kb plugin adds:\n{lines}\n"
        "Build it with `kb build` (or `mkdocs build` / `properdocs build` with the kb "
        "plugin in mkdocs.yml); a generator that runs no MkDocs plugins (Zensical) "
        "cannot build this knowledge base."
    )


def verify_staged_site(site_dir: Path, plugin_config: Any, index_dir: Path | None) -> str | None:
    """What the plugin runs before it publishes a build: None, or why it must not."""
    report = verify_site(
        site_dir,
        Expectations(
            sections=tuple(plugin_config.sections),
            widgets=bool(plugin_config.widgets),
            index_dir=index_dir,
        ),
    )
    return None if report.ok else failure_message(report, "kb verify failed, previous site kept: ")

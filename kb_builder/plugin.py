"""The ``kb`` MkDocs plugin: wires MkDocs events to the objects that do the work."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from kb_builder import csp, preview, publish
from kb_builder.building import trusted_files
from kb_builder.config import KnowledgeBaseConfig
from kb_builder.core import blocks, listings, sanitize, static_index, wayfinding
from kb_builder.core.articles import Article
from kb_builder.core.blocks import BLOCKS_MARKER_HTML, RELATED_PENDING_HTML
from kb_builder.core.index import DocumentSource
from kb_builder.core.placeholders import fill
from kb_builder.core.popular import database_url_for_build
from kb_builder.core.problems import Problem, Severity
from kb_builder.core.site import Site
from kb_builder.indexing import StagedIndex, index_write_error
from kb_builder.verify import PAGE_SCRIPTS

__all__ = ["KnowledgeBasePlugin"]

log = get_plugin_logger(__name__)

ASSETS_DIR = Path(__file__).parent / "assets"
ASSETS_URI = "assets/kb"
THEME_DIR = Path(__file__).parent / "theme"
"""Our overrides of Material's templates: ``main.html`` (the search script), ``404.html``,
``partials/content.html`` and ``partials/nav.html`` (where the reader is)."""
THEME_SCRIPTS = frozenset({"kb-search.js"})
"""Scripts our template override loads (before Material's bundle), not extra_javascript."""
BLOCKS_MARKER = f"\n\n{BLOCKS_MARKER_HTML}\n\n"


class KnowledgeBasePlugin(BasePlugin[KnowledgeBaseConfig]):
    """Validates articles, generates listings and related articles, builds the search index."""

    def __init__(self) -> None:
        self.command = "build"
        self.site: Site | None = None
        self.index: StagedIndex | None = None
        self.popularity: blocks.Popularity | None = None
        self.preview: preview.PreviewIndex | None = None
        self._listing_signature: preview.ListingSignature | None = None
        self._env: tuple[Any, Any] | None = None
        self.release: publish.ReleaseBuild | None = None
        self._site_dir = "site"
        self._succeeded = False
        self._related_pending: list[tuple[Article, str]] = []
        """Pages written before related articles were known: (article, output file)."""
        self._problems: list[Problem] = []
        """The check errors of the latest build (the preview lists them on every page)."""
        self._page_urls: dict[str, str] = {}
        """Source path -> page URL of every page, as Material's search index names them."""
        self._nav_pages: dict[str, Any] = {}
        """The navigation's pages by source path (the sections' landing pages)."""
        self._lit: Any = None
        """The landing page marked active while one of its section's articles renders."""
        self._rendered: list[Page] = []
        """The pages this build rendered (their inline scripts are the site's)."""

    # -- lifecycle -------------------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    @property
    def is_serve(self) -> bool:
        return self.command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._succeeded = False
        self._related_pending = []
        self._rendered = []
        self._discard()  # what an earlier build of this plugin left (it holds the lock)
        if not self.is_serve and (self.config.atomic or self.config.search_index):
            # The site and the index are written into a release, published together.
            index_dir = self.index_dir(config)
            final = Path(config.site_dir)
            try:
                self.release = publish.ReleaseBuild(
                    index_dir.parent,
                    site_dir=final.parent.resolve() / final.name if self.config.atomic else None,
                    index_link=index_dir if self.config.search_index else None,
                )
            except OSError as e:
                raise index_write_error(index_dir, e) from e
            if self.config.atomic:
                config.site_dir = str(self.release.site_dir)
        self._site_dir = config.site_dir
        if self.config.widgets:
            self._add_theme_dir(config)
            for asset in sorted(ASSETS_DIR.iterdir()):
                uri = f"{ASSETS_URI}/{asset.name}"
                if asset.suffix == ".css" and uri not in config.extra_css:
                    config.extra_css.append(uri)
                elif (
                    asset.suffix == ".js"
                    and asset.name not in PAGE_SCRIPTS
                    and asset.name not in THEME_SCRIPTS
                    and uri not in [str(s) for s in config.extra_javascript]
                ):
                    config.extra_javascript.append(uri)  # type: ignore[arg-type]
        return config

    @staticmethod
    def _add_theme_dir(config: MkDocsConfig) -> None:
        """Put our template overrides after the site's own ``custom_dir`` (which wins),
        before Material's templates."""
        dirs = config.theme.dirs
        ours = str(THEME_DIR)
        if ours in dirs:
            return
        custom = config.theme.custom_dir
        dirs.insert(1 if custom and dirs and Path(dirs[0]) == Path(custom) else 0, ours)

    def index_dir(self, config: MkDocsConfig) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        path = base / self.config.index_dir
        # Previews include drafts: keep them out of the index that production serves.
        return path.with_name(path.name + "-preview") if self.is_serve else path

    # -- reading and checking --------------------------------------------------------------

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self.site = site = Site.load(
            config.docs_dir,
            sections=self.config.sections,
            extra=config.extra,
            nav=config.nav,
            review_after_days=self.config.review_after_days,
            include_drafts=self.is_serve,
            previous=self.site if self.is_serve else None,
            allowed_hosts=self.config.allowed_hosts,
            trusted_files=trusted_files(config),
        )
        self.popularity = blocks.load_popularity(
            site,
            database_url=database_url_for_build(
                self.config.database_url, Path(config.config_file_path or ".").resolve().parent
            ),
        )
        problems = site.check()
        errors = [p for p in problems if p.severity is Severity.ERROR]
        for p in problems:
            (log.error if p.severity is Severity.ERROR else log.warning)(str(p))
        if errors and self.is_serve:
            # The preview keeps serving: every page lists the problems until they are fixed.
            log.warning(
                "%d problem(s) in articles: the preview shows them on every page until fixed",
                len(errors),
            )
        elif errors:
            raise PluginError(
                f"{len(errors)} problem(s) in articles; run 'kb check' to list them again"
            )
        self._problems = errors
        if self.is_serve:
            signature = preview.listing_signature(site)
            preview.mark_modified(
                files.documentation_pages(),
                preview.pages_to_refresh(self._listing_signature, signature),
            )
            self._listing_signature = signature
        for file in list(files.static_pages()) + list(files.media_files()):
            # Never published, not even by the preview: raw pages and unnamed scripts.
            if file.src_uri not in site.published_files and file.src_uri in site.other_files:
                files.remove(file)
        by_path = site.by_path
        self._page_urls = {f.src_uri: f.url for f in files.documentation_pages()}
        for file in files.documentation_pages():
            article = by_path.get(file.src_uri)
            if article is not None and article.draft:
                file.inclusion = InclusionLevel.DRAFT
            elif article is not None and article.is_article and file.src_uri not in site.nav:
                # Articles are reached through section listings, not the nav (it must not
                # grow with the article count), so MkDocs need not report them.
                file.inclusion = InclusionLevel.NOT_IN_NAV
        if self.config.widgets:
            for asset in sorted(ASSETS_DIR.iterdir()):
                files.append(
                    File.generated(config, f"{ASSETS_URI}/{asset.name}", abs_src_path=str(asset))
                )
        return files

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        assert self.site is not None
        self._nav_pages = {p.file.src_uri: p for p in nav.pages}
        if self.config.search_index:
            if self.index is not None:
                self.index.discard()
            index_dir = self.index_dir(config)
            try:
                if self.is_serve:
                    # The first preview build indexes now (pages need related articles);
                    # later ones after rendering, in on_post_build.
                    if self.preview is None:
                        self.preview = preview.PreviewIndex(index_dir)
                        self.preview.update(self.site)
                    return nav
                assert self.release is not None
                self.index = StagedIndex(
                    self.release.index_dir,
                    DocumentSource(str(self.site.docs_dir), self.site.sections, dict(config.extra)),
                    live=index_dir,
                    name=self.release.id,
                    related_limit=self.config.related_limit,
                    background=not self.is_serve,
                )
            except OSError as e:
                raise index_write_error(index_dir, e) from e
        return nav

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if not self.is_serve:
            return env
        # MkDocs makes a new Jinja environment for every preview rebuild, and compiling
        # Material's templates again was a third of a one-article rebuild. Keep the first
        # one while the theme (its folders, language and override files) is unchanged.
        key = preview.theme_key(config)
        if self._env is not None and self._env[0] == key:
            return self._env[1]
        self._env = (key, env)
        return env

    # -- pages -----------------------------------------------------------------------------

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.site is not None
        sanitize.escape_front_matter(page.meta)  # Material prints titles unescaped
        markdown = fill(markdown, config.extra)
        article = self.site.by_path.get(page.file.src_uri)
        if article is None or not (
            article.is_home or article.is_landing_page or article.is_article
        ):
            return markdown
        # Listings and related articles are added to the finished page (on_post_page):
        # Markdown need not parse them, nor Material's search index them as page text,
        # and related articles are only known once the index worker is done.
        return markdown + BLOCKS_MARKER

    def on_page_content(
        self, content: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        if "title" not in page.meta and page.title:
            # MkDocs took the title from the first heading's text, unescaped, and Material
            # prints it as HTML (the <title>, the header, the navigation).
            page.title = sanitize.escape_text(page.title)
        return sanitize.clean(content, allowed_hosts=self.config.allowed_hosts)

    def on_page_context(
        self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any
    ) -> Any:
        article = self.site.by_path.get(page.file.src_uri) if self.site else None
        if article is None:
            return context
        assert self.site is not None
        context["kb"] = wayfinding.page_frame(
            article,
            self.site,
            ticket_url=self.config.ticket_url,
            sidebar_limit=self.config.sidebar_limit,
        )
        # Articles are not in the navigation: their section's tab is highlighted instead
        # (MkDocs marks the page being rendered active; on_post_page puts this back).
        landing = self._nav_pages.get(f"{article.section}/index.md") if article.is_article else None
        if landing is not None and not landing.active:
            landing.active = True
            self._lit = landing
        return context

    def on_template_context(
        self, context: Any, /, *, template_name: str, config: MkDocsConfig
    ) -> Any:
        if template_name == "404.html" and self.site is not None:
            context["kb"] = wayfinding.not_found_frame(
                self.site, ticket_url=self.config.ticket_url, base=context["base_url"]
            )
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        self._rendered.append(page)
        if self._lit is not None:
            self._lit.active, self._lit = False, None
        output = self._post_page(output, page)
        if self.is_serve:
            output = preview.decorate_page(output, base_path=urlsplit(config.site_url or "/").path)
        return output

    def _post_page(self, output: str, page: Page) -> str:
        # The demo form goes in first (articles may not hold forms: the sanitiser removes
        # them), so the widget's script is added to the page that has it.
        output = listings.ticket_demo(output)
        if self.config.widgets:
            # Each script is added only to the pages that use it (the ticket widget to
            # pages with a ticket form).
            for name, marker in PAGE_SCRIPTS.items():
                if marker in output:
                    src = get_relative_url(f"{ASSETS_URI}/{name}", page.url)
                    output = output.replace(
                        "</body>", f'<script src="{src}" defer></script>\n</body>', 1
                    )
        if self.site is None:
            return output
        article = self.site.by_path.get(page.file.src_uri)
        if article is None:
            return output
        if article.is_article:
            # Tells our scripts which article this page is (feedback, views).
            meta = "\n".join(
                f'<meta name="kb:{name}" content="{html.escape(value, quote=True)}">'
                for name, value in (
                    ("path", article.rel_path),
                    ("title", article.title),
                    ("ticket-url", self.config.ticket_url),
                    ("views", "on" if self.config.show_views else "off"),
                )
            )
            output = output.replace("</head>", f"{meta}\n</head>", 1)
        if BLOCKS_MARKER_HTML in output:
            assert self.popularity is not None
            html_blocks = blocks.page_blocks(
                article,
                self.site,
                self.popularity,
                nearest=self._nearest(article) if article.is_article else (),
                limits=self._limits,
            )
            if RELATED_PENDING_HTML in html_blocks:
                # Rendering does not wait for the index worker: the page gets its
                # related articles in on_post_build (_add_pending_related).
                self._related_pending.append((article, page.file.abs_dest_path))
            output = output.replace(BLOCKS_MARKER_HTML, html_blocks, 1)
        return output

    @property
    def _limits(self) -> blocks.BlockLimits:
        return blocks.BlockLimits(
            related_limit=self.config.related_limit,
            section_sidebar_limit=self.config.section_sidebar_limit,
            popular_limit=self.config.popular_limit,
        )

    def _nearest(self, article: Article) -> list[str] | None:
        """What the index found nearest to ``article``; None while it is being built."""
        if self.index is not None:
            if not self.index.related_ready():
                return None
            return self.index.related().get(article.rel_path, [])
        if self.preview is not None:
            return self.preview.related(article.rel_path, limit=self.config.related_limit)
        return []

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        from kb_builder.preview.server import log_requests_by_status, mount_api, watch_natively

        log_requests_by_status()
        watch_natively(server)
        if self.config.api:
            mount_api(
                server,
                index_dir=self.index_dir(config),
                database_url=self.config.database_url or None,
                cors_origins=self.config.cors_origins,
            )
        return server

    # -- publishing ------------------------------------------------------------------------

    def _on_post_build(self, *, config: MkDocsConfig) -> None:
        self._add_pending_related()
        if self.is_serve:
            preview.write_problems(config.site_dir, self._problems)
        self._succeeded = True
        if (
            self.preview is not None
            and self.site is not None
            and self.preview.updated_for is not self.site
        ):
            self.preview.update_in_background(self.site)

    @event_priority(-50)  # after Material's search plugin has written its index
    def _on_post_build_static_index(self, *, config: MkDocsConfig) -> None:
        path = Path(config.site_dir) / "search" / "search_index.json"
        if self.site is None or not path.is_file():
            return  # no Material search plugin in this site
        terms = {
            self._page_urls[a.rel_path]: static_index.article_terms(a)
            for a in self.site.articles
            if a.is_article and a.rel_path in self._page_urls
        }
        changed = static_index.add_to_file(path, terms)
        log.debug("keywords, questions and synonyms added to %d page(s) of %s", changed, path)

    @event_priority(-100)  # last: after every plugin that rewrites pages
    def _on_post_build_csp(self, *, config: MkDocsConfig) -> None:
        if self.is_serve:
            return  # a preview renders only the pages that changed; nginx never serves it
        site_dir = Path(config.site_dir)
        rendered = [Path(p.file.abs_dest_path) for p in self._rendered]
        templates = [site_dir / name for name in config.theme.static_templates]
        csp.write_manifest(site_dir, [*rendered, *(t for t in templates if t.suffix == ".html")])

    on_post_build = CombinedEvent(_on_post_build, _on_post_build_static_index, _on_post_build_csp)

    def _add_pending_related(self) -> None:
        """Fill in the related articles of the pages written before they were known."""
        pending, self._related_pending = self._related_pending, []
        if not pending:
            return
        assert self.site is not None
        if self.index is not None:
            self.index.related()  # waits for the index worker
        for article, dest in pending:
            related = blocks.related_block(
                article, self.site, self._nearest(article), limit=self.config.related_limit
            )
            path = Path(dest)
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(RELATED_PENDING_HTML, related, 1), encoding="utf-8")
        log.debug("related articles added to %d page(s) after rendering", len(pending))

    def on_build_error(self, *, error: Exception) -> None:
        self._succeeded = False
        self._discard()

    def on_shutdown(self) -> None:
        # MkDocs counts --strict warnings only after on_post_build, so publish here,
        # once the build as a whole has been declared good.
        if not self._succeeded:
            self._discard()
            return
        if not self.is_serve:  # what a generator that skipped this plugin would lack
            from kb_builder.verify import verify_staged_site

            staged = self.index.staging if self.index is not None else None
            if self.index is not None:
                self.index.related()  # the staged index is complete
            failed = verify_staged_site(Path(self._site_dir), self.config, staged)
            if failed:
                self._discard()
                raise PluginError(failed)
        self.index = None
        if self.release is not None:
            release, self.release = self.release, None
            published = release.publish()
            log.info("Release %s published (site and index)", published.name)

    def _discard(self) -> None:
        if self.index is not None:
            self.index.discard()
            self.index = None
        if self.release is not None:
            self.release.discard()
            self.release = None

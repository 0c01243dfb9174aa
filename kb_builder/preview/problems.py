"""``kb serve``'s problem overlay and draft banner.

A check error must not freeze the preview: ``kb serve`` keeps building and serving, and
every page it renders carries a small script that reads the problems of the latest
build (:data:`PROBLEMS_URI`, rewritten after every build) and lists them, with file and
line, in a panel over the page. Live reload reloads the page after each build, so the
panel appears with the save that broke a file and disappears with the save that fixes
it, even on pages a dirty build did not render again.

Nothing of this reaches ``kb build``: the plugin calls it under ``kb serve`` only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from kb_builder.core.problems import Problem, Severity

__all__ = ["PROBLEMS_URI", "decorate_page", "write_problems"]

PROBLEMS_URI = "assets/kb/preview-problems.json"
"""Where, under the served site, the latest build's check errors are (a JSON list)."""

MKDOCS_DRAFT_MARKER = (
    '<div class="mkdocs-draft-marker" title="This page will not be included into the built '
    'site.">DRAFT</div>'
)
DRAFT_BANNER = (
    '<div class="kb-draft-banner" role="note"><strong>Draft.</strong> '
    "This article is in the preview only: <code>kb build</code> leaves it out, and search "
    "here does not rank it, until <code>draft: true</code> is removed from its front matter."
    "</div>"
)

_STYLE = """<style id="kb-preview-style">
.kb-draft-banner{margin:0 0 1.2rem;padding:.7rem 1rem;border:2px solid #8a5a00;
border-left-width:.5rem;border-radius:4px;background:#fff4e0;color:#3d2800;font-size:.8rem}
.kb-problems{position:fixed;z-index:1000;left:1rem;right:1rem;bottom:1rem;max-height:50vh;
overflow:auto;padding:.8rem 1rem;border:2px solid #b00020;border-radius:6px;background:#fff;
color:#1b1b1b;box-shadow:0 4px 16px rgba(0,0,0,.3);font:14px/1.45 system-ui,sans-serif}
.kb-problems h2{margin:0 0 .4rem;font-size:1rem;color:#b00020}
.kb-problems ul{margin:.2rem 0 0;padding-left:1.2rem}
.kb-problems li{margin:.2rem 0;overflow-wrap:anywhere}
.kb-problems code{font-size:.85em}
.kb-problems button{float:right;margin-left:.5rem;font:inherit;cursor:pointer}
</style>"""

_SCRIPT = """<script id="kb-preview-problems">
(function () {
  "use strict";
  fetch(%(url)s, {cache: "no-store"}).then(function (r) {
    return r.ok ? r.json() : [];
  }).then(function (problems) {
    if (!problems.length) return;
    var box = document.createElement("section");
    box.className = "kb-problems";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "kb-problems-title");
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.addEventListener("click", function () { box.remove(); });
    var title = document.createElement("h2");
    title.id = "kb-problems-title";
    title.textContent = problems.length + (problems.length === 1 ? " problem" : " problems") +
      " in articles: kb build would fail. Fix and save; this panel clears by itself.";
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      var where = document.createElement("code");
      where.textContent = p.path + ":" + p.line + ":";
      item.appendChild(where);
      item.appendChild(document.createTextNode(" " + p.message));
      list.appendChild(item);
    });
    box.appendChild(close);
    box.appendChild(title);
    box.appendChild(list);
    document.body.appendChild(box);
  }).catch(function () {});
})();
</script>"""


def decorate_page(output: str, *, base_path: str) -> str:
    """A rendered page with the draft banner and the problem overlay's script.

    ``base_path`` is the site's path on the dev server (``/`` unless ``site_url`` has one).
    """
    output = output.replace(MKDOCS_DRAFT_MARKER, DRAFT_BANNER, 1)
    url = json.dumps(base_path.rstrip("/") + "/" + PROBLEMS_URI)
    # json.dumps escapes quotes; '</' would end the script, and a path has none.
    script = _SCRIPT % {"url": url.replace("</", "<\\/")}
    if "</head>" in output:
        output = output.replace("</head>", _STYLE + "\n</head>", 1)
    if "</body>" in output:
        output = output.replace("</body>", script + "\n</body>", 1)
    return output


def write_problems(site_dir: str | Path, problems: Iterable[Problem]) -> None:
    """Write the build's errors where the overlay reads them (an empty list clears it)."""
    path = Path(site_dir) / PROBLEMS_URI
    path.parent.mkdir(parents=True, exist_ok=True)
    data = [
        {"path": p.path, "line": p.line, "message": p.message}
        for p in problems
        if p.severity is Severity.ERROR
    ]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)

"""``kb new``: a new article from the template, never over an existing file."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

__all__ = ["ArticleExists", "TitleTaken", "new_article", "slugify"]

TEMPLATE = Path(__file__).parent.parent / "templates" / "article.md"
"""kb_builder/templates/article.md: the package data ``kb new`` starts from."""


class ArticleExists(FileExistsError):
    """The article's file is already there; ``kb new`` never overwrites."""


class TitleTaken(ArticleExists):
    """Another article has the title already: a second one would fail ``kb check``, and
    the author most likely wants to edit the one there is."""


def slugify(title: str, *, max_chars: int | None = None, default: str = "article") -> str:
    """``Setting up an autoresponder`` → ``setting-up-an-autoresponder``.

    The file name of a new article (``kb new``) and of a gap draft (``kb report --gaps``,
    which cuts it to ``max_chars``); ``default`` when nothing of the title is left.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if max_chars is not None:
        slug = slug[:max_chars].strip("-")
    return slug or default


def _yaml_string(value: str) -> str:
    # Double-quoted YAML: safe for any title, including ':' and '#'.
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def new_article(
    docs_dir: Path,
    title: str,
    section: str,
    *,
    name: str | None = None,
    summary: str = "",
    owner: str = "support-team",
    today: dt.date | None = None,
) -> Path:
    """Write ``docs/<section>/<name>.md`` from the template and return its path.

    Raises:
        TitleTaken: an article under ``docs_dir`` has this title (case ignored).
        ArticleExists: the file is there already.
    """
    from kb_builder.core.articles import load_articles

    path = docs_dir / section / f"{name or slugify(title)}.md"
    if path.exists():
        raise ArticleExists(f"{path} already exists; choose another title or --name")
    wanted = " ".join(title.split()).casefold()
    for other in load_articles(docs_dir):
        if other.is_article and " ".join(other.title.split()).casefold() == wanted:
            raise TitleTaken(
                f"{other.title!r} is already the title of {other.shown_path}: "
                "edit that article, or choose another title"
            )
    text = TEMPLATE.read_text(encoding="utf-8").format(
        title=_yaml_string(title),
        summary=_yaml_string(summary or f"TODO: one or two sentences on {title.lower()}."),
        section=section,
        today=(today or dt.date.today()).isoformat(),
        owner=_yaml_string(owner),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError as e:
        raise ArticleExists(f"{path} already exists; choose another title or --name") from e
    return path

"""Front matter and Markdown from a hostile pull request never crash the checks."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb_builder.core.articles import Article
from kb_builder.core.checks import CheckOptions, check_articles
from kb_builder.core.frontmatter import FrontMatterError, split_front_matter
from kb_builder.core.markdown_text import plain_text

yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=2000))
def test_any_text_parses_or_raises_front_matter_error(text):
    try:
        fm = split_front_matter(text)
    except FrontMatterError as e:
        assert e.line >= 1
    else:
        assert isinstance(fm.data, dict)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "title",
                "summary",
                "tags",
                "keywords",
                "questions",
                "audience",
                "related",
                "draft",
                "search_boost",
                "last_reviewed",
                "applies_to",
                "owner",
                "other",
            ]
        ),
        yaml_values,
    ),
    st.text(max_size=500),
)
def test_any_front_matter_values_give_problems_not_exceptions(data, body):
    import yaml

    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body
    a = Article("email/x.md", "docs/email/x.md", text)
    problems = check_articles([a], CheckOptions(extra={"company": "X"}))
    for p in problems:
        assert p.path == "docs/email/x.md" and p.line >= 1
    plain_text(a.body)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("[]()!#`<>*_-:|{}\n ab1"), max_size=400))
def test_markdown_syntax_soup(body):
    a = Article(
        "email/x.md", "docs/email/x.md", "---\ntitle: X\nsummary: Y\ntags: [a]\n---\n" + body
    )
    check_articles([a])
    plain_text(body)


# The elements the page frame (breadcrumb, facts, sidebar, next steps) is made of: any
# other element in it would have come from front matter.
FRAME_TAGS = {"nav", "ol", "ul", "li", "a", "p", "span", "time", "template", "div", "h1", "h2"}
FRAME_TAGS |= {"button"}  # the 404 page's "Search the help center"


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    title=st.text(max_size=80),
    applies_to=yaml_values,
    last_reviewed=yaml_values | st.dates(),
    landing_title=st.text(max_size=40),
)
def test_any_front_matter_prints_as_text_in_the_page_frame(
    title, applies_to, last_reviewed, landing_title
):
    from html.parser import HTMLParser

    import yaml

    from kb_builder.core.site import Site
    from kb_builder.core.wayfinding import not_found, page_frame

    front = {"title": title, "applies_to": applies_to, "last_reviewed": last_reviewed}
    article = Article(
        "email/x.md",
        "docs/email/x.md",
        "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nText.\n",
        ("email",),
    )
    landing = Article(
        "email/index.md",
        "docs/email/index.md",
        "---\n" + yaml.safe_dump({"title": landing_title}, allow_unicode=True) + "---\n",
        ("email",),
    )
    site = Site(
        docs_dir=Path("docs"),
        articles=[landing, article],
        sections=("email",),
        extra={},
        nav=frozenset(),
        review_after_days=0,
        include_drafts=False,
    )
    frame = page_frame(article, site, ticket_url="support/", sidebar_limit=30)
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    for part in (*vars(frame).values(), not_found(site, ticket_url="support/")):
        Tags().feed(str(part))
    for tag, attrs in found:
        assert tag in FRAME_TAGS, tag
        assert all(not name.startswith("on") for name, _ in attrs), attrs

"""Front matter and Markdown from a hostile pull request never crash the checks."""

from __future__ import annotations

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

"""Front matter with YAML aliases is refused, before anything expands it."""

from __future__ import annotations

import itertools
import time

import pytest

from kb_builder.core.frontmatter import FrontMatterError, split_front_matter
from kb_builder.core.schema import describe
from tests.kb_builder.test_checks import in_site, run_check

__all__ = ["in_site"]

LEVELS = "abcdefgh"
BILLION_LAUGHS = (
    "---\ntitle: Bomb\nsummary: x.\ntags: [email]\n"
    f"a: &a [{', '.join(['lol'] * 9)}]\n"
    + "".join(
        f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n"
        for prev, name in itertools.pairwise(LEVELS)
    )
    + f"related: [{', '.join(['*h'] * 9)}]\n---\n\nBody.\n"
)


def test_billion_laughs_is_refused_at_once(make_site, in_site):
    assert len(BILLION_LAUGHS.encode()) < 700
    make_site({"email/bomb.md": BILLION_LAUGHS})
    start = time.monotonic()
    code, lines = run_check()
    assert time.monotonic() - start < 5
    assert code == 1
    assert lines == [
        "docs/email/bomb.md:5: 'front matter': expected front matter without YAML aliases, "
        "got an alias of the value at line 5"
    ]


def test_a_single_alias_is_refused_with_the_line_of_its_anchor():
    text = "---\ntitle: &t Quota\nsummary: *t\n---\n"
    with pytest.raises(FrontMatterError) as e:
        split_front_matter(text)
    assert str(e.value) == (
        "line 2: expected front matter without YAML aliases, got an alias of the value at line 2"
    )


def test_problems_quote_a_few_items_of_a_large_value():
    assert describe(list(range(100_000))) == "[0, 1, 2, 3, 4, 5, ...]"
    assert describe([[[["deep"]]]]) == "[[[[...]]]]"
    assert describe(["a", 1]) == "['a', 1]"

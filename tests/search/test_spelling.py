"""The spelling checker: a checker derived from another after an edit is the one built
from scratch."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search.spelling import SpellChecker

WORDS = st.text(alphabet="abcdeimnorst", min_size=2, max_size=9)
VOCABULARY = st.dictionaries(WORDS, st.integers(1, 50), max_size=40)


def _index(checker: SpellChecker) -> dict[str, set[str]]:
    return {key: set(words) for key, words in checker._by_delete.items()}


@settings(max_examples=150, deadline=None)
@given(before=VOCABULARY, after=VOCABULARY, probes=st.lists(WORDS, max_size=15))
def test_a_derived_checker_is_the_one_built_from_scratch(
    before: dict[str, int], after: dict[str, int], probes: list[str]
) -> None:
    protected = ["the", "and"]
    old = SpellChecker(before, protected=protected)
    old_index = _index(old)
    derived = old.with_vocabulary(after)
    fresh = SpellChecker(after, protected=protected)
    assert _index(derived) == _index(fresh)
    for word in [*probes, *before, *after, "the"]:
        assert derived.correct(word) == fresh.correct(word)
        assert (word in derived) == (word in fresh)
    assert _index(old) == old_index  # the former generation's checker is untouched


def test_a_word_an_edit_adds_is_suggested_and_one_it_removes_is_not() -> None:
    old = SpellChecker({"mailbox": 3, "autoresponder": 2})
    new = old.with_vocabulary({"mailbox": 3, "forwarder": 1})
    assert new.correct("forwardr") == "forwarder"
    assert new.correct("autoresponer") is None
    assert old.correct("autoresponer") == "autoresponder"

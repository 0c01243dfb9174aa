"""Analysis: identifiers kept whole and split, stemming, accents, stop words, synonyms."""

from __future__ import annotations

import pytest
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Term

from search.analysis import (
    TermKind,
    analyze,
    fold,
    index_terms,
    load_synonyms,
    pair_terms,
    words,
)
from search.schema import make_schema


def terms(text: str) -> list[str]:
    return [t.term for t in analyze(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("550 5.1.1", ["550", "5.1.1"]),
        ("mysql 5.7.26", ["mysql", "5.7.26"]),
        ("ERR_TOO_MANY_REDIRECTS", ["err_too_many_redirects", "err", "mani", "redirect"]),
        (".htaccess", ["htaccess"]),
        ("php.ini", ["php.ini", "php", "ini"]),
        ("port 587", ["port", "587"]),
        ("#1045", ["1045"]),
        ("upload_max_filesize", ["upload_max_filesize", "upload", "max", "files"]),
        ("192.168.0.1", ["192.168.0.1"]),
        ("wp-config.php", ["wp-config.php", "wp", "config", "php"]),
    ],
)
def test_identifiers_are_kept_whole_and_split(text: str, expected: list[str]) -> None:
    got = [t for t in terms(text) if not t.startswith("syn:")]
    assert got == expected


def test_status_codes_and_versions_are_not_split_into_digits() -> None:
    assert "5" not in terms("550 5.1.1") and "1" not in terms("550 5.1.1")


def test_hyphenated_words_also_index_the_joined_word() -> None:
    assert {"email", "mail"} <= set(terms("e-mail"))
    assert "addon" in terms("add-on domain")


def test_stemming_is_shared_by_word_forms() -> None:
    assert terms("failed")[0] == terms("failing")[0] == terms("fails")[0] == "fail"
    assert terms("certificates")[0] == terms("certificate")[0]


def test_accents_are_folded() -> None:
    assert fold("Café RÉSUMÉ") == "cafe resume"
    assert terms("café") == terms("cafe")


def test_support_prose_stop_words_are_dropped() -> None:
    assert terms("Hi, please help. Thanks!") == ["help"]
    assert words("Hello, thanks in advance") == ["advance"]
    # "nothing arrives", "everything is slow": the verb says what, these words say nothing.
    assert terms("nothing arrives, everything slow") == ["arriv", "slow"]


def test_apostrophes_are_removed() -> None:
    assert "let" in terms("Let's Encrypt") and "s" not in terms("Let's Encrypt")
    assert terms("don't") == []  # "dont" is a stop word


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("MX", "mail exchanger"),
        ("DKIM", "DomainKeys"),
        ("autoresponder", "vacation reply"),
        ("away message", "autoresponder"),
        ("bounce", "mail comes back"),
        ("NDR", "delivery failure"),
        ("AutoSSL", "Let's Encrypt"),
        ("free SSL", "AutoSSL"),
        ("addon domain", "second website"),
        ("WHM", "reseller panel"),
        ("cPanel", "c panel"),
    ],
)
def test_synonyms_share_a_group_term(one: str, other: str) -> None:
    syn_one = {t.term for t in analyze(one) if t.kind is TermKind.SYNONYM}
    syn_other = {t.term for t in analyze(other) if t.kind is TermKind.SYNONYM}
    assert syn_one & syn_other, (one, syn_one, other, syn_other)


def test_synonym_phrases_match_other_word_forms() -> None:
    assert "syn:bounc" in terms("my mails coming back")


def test_a_synonym_is_not_counted_twice_inside_its_own_phrase() -> None:
    assert terms("ERR_TOO_MANY_REDIRECTS").count("syn:err_too_mani_redirect") == 1


def test_every_synonym_group_has_two_phrases_with_words() -> None:
    for group in load_synonyms():
        assert len(group.phrases) >= 2 and all(group.stems), group


def test_placeholders_are_not_indexed() -> None:
    assert terms("Write to {{ extra.support_email }} today") == ["write", "today"]


def test_index_terms_agree_with_analyze() -> None:
    text = (
        "Mail comes back: 550 5.1.1 in php.ini, ERR_TOO_MANY_REDIRECTS, e-mail café {{ extra.x }}"
    )
    assert sorted(index_terms(text)[0]) == sorted(terms(text))


def test_the_schema_analyzer_works_in_a_plain_whoosh_index() -> None:
    """The analyzer is pickled into the index and used by Whoosh's own searcher."""
    ix = RamStorage().create_index(make_schema())
    with ix.writer() as w:
        w.add_document(
            path="a.md", title="Mail comes back with 550 5.1.1", content="mail comes back"
        )
        w.add_document(path="b.md", title="Certificates", content={"certif": (1, 4.0)})
    with ix.searcher() as s:
        assert [h["path"] for h in s.search(Term("title", "5.1.1"))] == ["a.md"]
        assert [h["path"] for h in s.search(Term("title", "syn:bounc"))] == ["a.md"]
        assert [h["path"] for h in s.search(Term("content", "certif"))] == ["b.md"]


def test_down_is_a_word_of_its_own() -> None:
    # What a customer writes when something stopped working ("email down", "site is down").
    assert terms("email down") == ["email", "down"]
    assert terms("the site is down") == ["site", "syn:site_down", "down"]


@pytest.mark.parametrize(
    "text",
    ["the site is down", "my website has been offline", "mail is coming back", "site  down"],
)
def test_a_synonym_phrase_steps_over_glue_words(text: str) -> None:
    assert any(t.startswith("syn:") for t in terms(text)), terms(text)


@pytest.mark.parametrize(
    "text",
    [
        "the site is not down",  # a negation is never glue
        "site was never down",
        "site is, as far as I know, down",  # not glue: three words apart
        "down is the site",  # order counts
    ],
)
def test_a_synonym_phrase_does_not_step_over_other_words(text: str) -> None:
    assert "syn:site_down" not in terms(text), terms(text)


def test_index_terms_step_over_glue_words_as_analyze_does() -> None:
    text = "The website is offline and the mail is coming back, but the site is not down."
    assert sorted(index_terms(text)[0]) == sorted(terms(text))


def test_pairs_are_neighbouring_words_of_one_line() -> None:
    assert pair_terms("Not getting emails\nmove websites") == [
        "pair:get_email",
        "pair:move_websit",
    ]
    assert pair_terms("email") == []
    assert pair_terms("{{ extra.company }} support") == []


def test_irregular_forms_share_their_base_form() -> None:
    """``search/word_forms.txt``: "emails not sent" matches "cannot send email"."""
    assert terms("sent") == terms("send") == terms("sending")
    assert terms("paid") == terms("pay")
    assert terms("forgotten") == terms("forget")
    # Not a form of "find" here: "404 Not Found".
    assert terms("found") != terms("find")

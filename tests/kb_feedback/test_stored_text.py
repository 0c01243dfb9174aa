"""Free text the store keeps (a vote's "what was missing", a recorded query): secrets in
every form the ticket detector knows are redacted, invisible controls are gone."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kb_feedback.storage import FeedbackStore, make_engine
from kb_feedback.storage import schema as tables
from kb_text.secrets import find_secrets

# The forms the review found stored verbatim: each (text, the secret in it).
SECRET_FORMS = [
    ("the password for cpanel is: Tidewater88", "Tidewater88"),
    ("das Passwort ist Geheim123 sagt er", "Geheim123"),
    ("mi contraseña es Secreto99", "Secreto99"),
    ("ｐａｓｓｗｏｒｄ： Ｈｕｎｔｅｒ２ａｂｃ", "Ｈｕｎｔｅｒ２ａｂｃ"),
    ("my support pin is 8 0 4 2 1 9", "8 0 4 2 1 9"),
    ("key AKIAIOSFODNN7EXAMPLE does not work", "AKIAIOSFODNN7EXAMPLE"),
    (
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdEFGHijkl expired",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdEFGHijkl",
    ),
    ("card 4539 1488 0343 6467 declined", "4539 1488 0343 6467"),
    # A direction override inside the password must not hide it from the detector.
    ("my password is Tide\u202ewater88", "water88"),
    # Nor a C1 control (NEL) inside it, nor the last group of a PIN written in two.
    ("my password is Tide\u0085water88", "water88"),
    ("pin is 8042 19", "19"),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeedbackStore]:
    s = FeedbackStore.open(f"sqlite:///{tmp_path}/kb.sqlite3", clock=lambda: dt.date(2025, 3, 10))
    yield s
    s.close()


def _stored(store: FeedbackStore) -> tuple[list[str], list[str]]:
    engine = make_engine(str(store.engine.url))
    with engine.connect() as conn:
        comments = list(conn.scalars(select(tables.votes.c.comment)))
        queries = list(conn.scalars(select(tables.events.c.query)))
    engine.dispose()
    return comments, queries


@pytest.mark.parametrize(("text", "secret"), SECRET_FORMS)
def test_comments_and_queries_are_redacted_like_tickets(
    store: FeedbackStore, text: str, secret: str
) -> None:
    assert find_secrets(text.replace("\u202e", ""))  # the ticket detector finds it
    visitor = store.visitor("203.0.113.5")
    store.record_vote("email/quota.md", visitor, helpful=False, comment=text)
    store.record_event("search_no_results", query=text)
    comments, queries = _stored(store)
    for kept in (*comments, *queries):
        assert secret not in kept and "[redacted]" in kept


def test_c1_controls_and_direction_overrides_are_removed(store: FeedbackStore) -> None:
    text = "exe\u202e.live\u2066 a\u200eb\u200fc\u2069 d\u0085e\u009bf \u202a\u202b\u202c\u202dg"
    visitor = store.visitor("203.0.113.5")
    store.record_vote("email/quota.md", visitor, helpful=False, comment=text)
    store.record_event("search_no_results", query=text)
    assert _stored(store) == (["exe.live abc d e f g"], ["exe.live abc d e f g"])


# Every C1 control, and every character of Unicode's Bidi_Control property, derived from
# the Unicode database rather than from the pattern under test: the embeddings,
# overrides and isolates by their bidirectional class, and the three marks.
C1_CONTROLS = [chr(code) for code in range(0x80, 0xA0)]
BIDI_FORMATTING = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
BIDI_CONTROL_CHARS = [
    *(unicodedata.lookup(name) for name in ("ARABIC LETTER MARK", "LEFT-TO-RIGHT MARK",
                                            "RIGHT-TO-LEFT MARK")),
    *(chr(code) for code in range(0x110000) if unicodedata.bidirectional(chr(code))
      in BIDI_FORMATTING),
]  # fmt: skip


def test_every_c1_control_and_bidi_control_is_removed(store: FeedbackStore) -> None:
    assert len(C1_CONTROLS) == 32 and len(BIDI_CONTROL_CHARS) == 12
    text = "".join(f"x{c}" for c in C1_CONTROLS + BIDI_CONTROL_CHARS) + "x"
    visitor = store.visitor("203.0.113.5")
    store.record_vote("email/quota.md", visitor, helpful=False, comment=text)
    store.record_event("search_no_results", query=text)
    (comment,), (query,) = _stored(store)
    for kept in (comment, query):
        assert not set(kept) & set(C1_CONTROLS + BIDI_CONTROL_CHARS), ascii(kept)
        assert kept.replace(" ", "") == "x" * 45  # nothing else lost

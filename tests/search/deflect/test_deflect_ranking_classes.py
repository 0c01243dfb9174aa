"""Classes of tickets that ranking must hold for, in wordings of our own (not the sets')."""

from __future__ import annotations

from typing import Any


def test_a_ticket_of_common_words_keeps_them(repo_kb: Any) -> None:
    # Long enough to be read as prose (distinctive terms only), yet all it asks is in
    # words most articles use: "email" and "address" must still be searched for.
    text = (
        "Hi, thanks in advance, I need help please: how do I make and set up a new email "
        "address on my domain for a client account?"
    )
    terms = [term for term, _ in repo_kb.key_terms(text)]
    assert "email" in terms and "address" in terms, terms
    # A ticket with enough distinctive terms still drops the common ones.
    rich = (
        "Outlook keeps rejecting the SMTP login with 535 authentication failed since the "
        "password change, Thunderbird too, webmail works, please check the email account"
    )
    assert "email" not in [term for term, _ in repo_kb.key_terms(rich)]

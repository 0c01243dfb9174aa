"""Fixtures for the search tests: small real Whoosh indexes built from Document fixtures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import search
from search import Document, KnowledgeBase

DOCS: tuple[Document, ...] = (
    Document(
        path="email/bounces-ndr.md",
        url="email/bounces-ndr/",
        title="Understanding bounce messages",
        summary="Read a bounce: who rejected the mail and why.",
        body=(
            "A bounce, or non-delivery report, is the message you get when mail comes back. "
            "550 5.1.1 User unknown means the address does not exist. "
            "552 5.2.2 Mailbox full means the recipient is over quota. "
            "Check the address for typos <before> you write to support."
        ),
        section="email",
        headings=("What a bounce says", "Still stuck?"),
        keywords=("delivery failure",),
        tags=("email", "bounces"),
    ),
    Document(
        path="email/autoresponders.md",
        url="email/autoresponders/",
        title="Setting up an autoresponder",
        summary="Send an automatic reply to everyone who writes to a mailbox.",
        body=(
            "An autoresponder sends an automatic answer, for example while you are on holiday. "
            "Open cPanel » Email » Autoresponders and click Add Autoresponder. "
            "Set the start and stop time so it ends by itself."
        ),
        section="email",
        tags=("email",),
    ),
    Document(
        path="whm/ssl-autossl.md",
        url="whm/ssl-autossl/",
        title="AutoSSL: fixing failed certificates",
        summary="Why AutoSSL could not issue a certificate, and how to fix it.",
        body=(
            "AutoSSL failed to issue a certificate when the domain does not point to our server. "
            "Check the A record, then run AutoSSL again from WHM » SSL/TLS » Manage AutoSSL. "
            "A café's domain with accents (café.example) works the same."
        ),
        section="whm",
        tags=("ssl",),
        related=("hosting/htaccess.md",),
    ),
    Document(
        path="hosting/htaccess.md",
        url="hosting/htaccess/",
        title="Working with .htaccess",
        summary="Redirects and rewrite rules in the .htaccess file.",
        body=(
            "The browser shows ERR_TOO_MANY_REDIRECTS when two rules send a visitor in a circle. "
            "Edit .htaccess in File Manager; show hidden files first. "
            "Raise upload_max_filesize in php.ini, not in .htaccess, on PHP 5.7.26 and later."
        ),
        section="hosting",
        tags=("htaccess",),
    ),
    Document(
        path="cpanel/addon-subdomains.md",
        url="cpanel/addon-subdomains/",
        title="Addon domains and subdomains",
        summary="Host another domain or a subdomain in the same cPanel account.",
        body=(
            "An addon domain is a second website with its own domain in the same account. "
            "Create a subdomain such as blog.example.com from cPanel » Domains. "
            "Outgoing mail uses port 587 on every domain."
        ),
        section="cpanel",
        tags=("domains",),
        boost=1.0,
    ),
)


@pytest.fixture
def docs() -> tuple[Document, ...]:
    """The small set of fixture articles."""
    return DOCS


@pytest.fixture
def build_kb(tmp_path: Path) -> Callable[..., KnowledgeBase]:
    """Build an index of ``docs`` (default: :data:`DOCS`) under ``tmp_path`` and open it."""

    def build(docs: Sequence[Document] = DOCS, name: str = "index") -> KnowledgeBase:
        search.build_index(docs, tmp_path / name)
        return search.open_index(tmp_path / name)

    return build


@pytest.fixture
def kb(build_kb: Callable[..., KnowledgeBase]) -> KnowledgeBase:
    """The index of :data:`DOCS`."""
    return build_kb()

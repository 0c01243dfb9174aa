"""A synthetic hosting knowledge base, for benchmarks: N articles with valid front matter.

    .venv/bin/python bench/synth.py DEST_DOCS_DIR -n 2000 [--seed 0]

or from Python::

    from bench.synth import write_synthetic_docs, synthetic_documents
    write_synthetic_docs(tmp_path / "docs", 2000)      # Markdown files, for MkDocs builds
    synthetic_documents(2000)                          # search.Document objects, no files

Articles are spread over the real sections (``whm``, ``cpanel``, ``email``, ``hosting``,
``security``, ``support``), each with an ``index.md`` landing page and a ``docs/index.md``
home page. Each article follows the authoring rules (manual/authoring.md): symptoms with
exact error texts, numbered steps with menu paths, a warning before a destructive step, a
"Still stuck?" section, 300-600 words, ``related`` links to other generated articles. The
same ``n`` and ``seed`` always give the same files.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.documents import Document

__all__ = [
    "SECTIONS",
    "SyntheticArticle",
    "synthetic_articles",
    "synthetic_documents",
    "write_synthetic_docs",
]

SECTIONS: dict[str, str] = {
    "whm": "WHM",
    "cpanel": "cPanel",
    "email": "Email",
    "hosting": "Hosting",
    "security": "Security",
    "support": "Support",
}

# Topic vocabulary per section: (subject, object phrases, tags).
TOPICS: dict[str, list[tuple[str, list[str], list[str]]]] = {
    "whm": [
        (
            "account",
            ["a new cPanel account", "the account package", "the contact email", "the shared IP"],
            ["accounts"],
        ),
        (
            "package",
            ["the hosting package", "the feature list", "the disk quota", "the bandwidth limit"],
            ["packages"],
        ),
        (
            "nameserver",
            ["private nameservers", "the glue records", "ns1 and ns2", "the registrar"],
            ["dns"],
        ),
        (
            "ssl",
            ["the AutoSSL certificate", "the CSR", "the certificate chain", "Let's Encrypt"],
            ["ssl"],
        ),
        (
            "migration",
            ["the transfer tool", "the cpmove archive", "the remote server", "the old host"],
            ["migration"],
        ),
        (
            "suspension",
            ["the suspended page", "the unpaid invoice", "the abuse report", "the reseller panel"],
            ["accounts"],
        ),
        (
            "branding",
            ["the custom logo", "the help links", "the white-label theme", "the reseller panel"],
            ["branding"],
        ),
    ],
    "cpanel": [
        (
            "database",
            ["the MySQL user", "phpMyAdmin", "the database dump", "wp-config.php"],
            ["databases"],
        ),
        ("php", ["the PHP version", "php.ini", "upload_max_filesize", "memory_limit"], ["php"]),
        ("cron", ["the cron job", "the crontab", "the script output", "/dev/null 2>&1"], ["cron"]),
        ("ftp", ["the FTP account", "FileZilla", "port 21", "the home directory"], ["ftp"]),
        (
            "backup",
            ["the full backup", "the home directory backup", "the restore", "the backup archive"],
            ["backups"],
        ),
        (
            "domain",
            ["the addon domain", "the subdomain", "the document root", "the alias"],
            ["domains"],
        ),
        (
            "files",
            ["File Manager", ".htaccess", "the public_html folder", "the file permissions"],
            ["files"],
        ),
    ],
    "email": [
        ("mailbox", ["the mailbox", "the email account", "the quota", "webmail"], ["email"]),
        (
            "delivery",
            ["the bounce message", "the mail delivery subsystem", "550 5.1.1", "the MX record"],
            ["email", "bounces"],
        ),
        (
            "spam",
            ["the spam filter", "SpamAssassin", "the junk folder", "the blacklist"],
            ["email", "spam"],
        ),
        (
            "authentication",
            ["the SPF record", "the DKIM key", "the DMARC policy", "the TXT record"],
            ["email", "dns"],
        ),
        (
            "client",
            ["the IMAP settings", "port 993", "port 587", "the outgoing server"],
            ["email", "clients"],
        ),
        (
            "forwarding",
            ["the forwarder", "the catch-all address", "the autoresponder", "the default address"],
            ["email"],
        ),
    ],
    "hosting": [
        (
            "error",
            [
                "the 500 Internal Server Error",
                "the 403 Forbidden page",
                "the error log",
                "ERR_TOO_MANY_REDIRECTS",
            ],
            ["errors"],
        ),
        ("dns", ["DNS propagation", "the TTL", "the A record", "the nameservers"], ["dns"]),
        (
            "limits",
            [
                "the 508 Resource Limit Is Reached page",
                "entry processes",
                "the CPU limit",
                "inodes",
            ],
            ["limits"],
        ),
        (
            "malware",
            ["the hacked site", "the malware scan", "the injected code", "the phishing page"],
            ["security"],
        ),
        ("site", ["the website", "the homepage", "the domain", "the CDN"], ["websites"]),
    ],
    "security": [
        (
            "login",
            ["two-factor authentication", "the API token", "the password", "the login history"],
            ["security"],
        ),
        ("firewall", ["the firewall", "cPHulk", "the blocked IP", "the allow list"], ["security"]),
    ],
    "support": [
        (
            "ticket",
            ["the support ticket", "the ticket priority", "the Support PIN", "live chat"],
            ["support"],
        ),
        (
            "policy",
            ["the support scope", "support hours", "the escalation", "feedback"],
            ["support"],
        ),
    ],
}

DESTROY = ["remove", "reset", "replace"]
VERBS = [
    "check",
    "open",
    "change",
    "reset",
    "create",
    "remove",
    "update",
    "enable",
    "disable",
    "verify",
    "edit",
    "restore",
]
SYMPTOMS = [
    "The customer sees {err} when they open the site.",
    "Mail to the address comes back with {err}.",
    "The log shows {err} every few minutes.",
    "After the change, the browser says {err}.",
    "The panel shows {err} and nothing else happens.",
    "Your client reports {err} since this morning.",
]
ERRORS = [
    "`550 5.1.1 User unknown`",
    "`552 5.2.2 Mailbox full`",
    "`535 Incorrect authentication data`",
    "`ERR_TOO_MANY_REDIRECTS`",
    "`508 Resource Limit Is Reached`",
    "`403 Forbidden`",
    "`500 Internal Server Error`",
    "`#1045 Access denied for user`",
    "`421 Too many connections`",
    "`ERR_CERT_COMMON_NAME_INVALID`",
    "`Error establishing a database connection`",
    "`5.7.26 unauthenticated email`",
    "`Bandwidth Limit Exceeded`",
    "`530 Login authentication failed`",
]
FILLER = [
    "This usually happens after a change to {obj}, so look there first.",
    "Most of the time the cause is a small mistake in {obj}.",
    "If {obj} looks correct, wait ten minutes and try again.",
    "Write down what you changed in {obj}, so you can undo it later.",
    "Resellers can do this for all their clients at once from WHM.",
    "End customers see the same screens in cPanel, with fewer options.",
    "Changes to {obj} take effect at once, but browsers and mail apps may cache the old value.",
    "Compare {obj} with the values in the table below.",
    "When in doubt, make a backup before you {verb} {obj}.",
    "The steps are the same on every server we run, in cPanel & WHM 130.",
]
MENUS = {
    "whm": "WHM » {a} » {b}",
    "cpanel": "cPanel » {a} » {b}",
    "email": "cPanel » Email » {b}",
    "hosting": "cPanel » {a} » {b}",
    "security": "cPanel » Security » {b}",
    "support": "the Client Area » Support » {b}",
}
MENU_WORDS = [
    "Account Functions",
    "Domains",
    "Files",
    "Databases",
    "Software",
    "Advanced",
    "Metrics",
    "Email",
]
PAGE_WORDS = [
    "Manage Accounts",
    "Zone Editor",
    "Email Accounts",
    "MultiPHP INI Editor",
    "Cron Jobs",
    "File Manager",
    "Backup Wizard",
    "SSL/TLS Status",
    "Track Delivery",
    "Open a Ticket",
]
#: Customer questions of the articles' ``questions`` front matter.
QUESTION_TEMPLATES = [
    "Why can't I {verb} {obj} any more?",
    "How do I {verb} {obj} for my client?",
    "What does {err} mean?",
    "Why does {obj} show {err}?",
    "Can my customer {verb} {obj} on their own?",
    "Where do I {verb} {obj} in the panel?",
    "Is {obj} broken for everyone or just me?",
    "What happens to {obj} if I {verb} it?",
]
KEYWORD_PHRASES = [
    "not working",
    "keeps failing",
    "how do i",
    "error message",
    "cannot connect",
    "stopped working",
    "after migration",
    "for my customer",
    "on my phone",
    "since yesterday",
]


SYLLABLES = [
    "ka",
    "ro",
    "ne",
    "mi",
    "tor",
    "sal",
    "ven",
    "di",
    "lo",
    "pra",
    "ste",
    "qui",
    "bel",
    "mar",
    "fen",
    "go",
    "ux",
    "tra",
    "pel",
    "cor",
    "dan",
    "ly",
    "sor",
    "vi",
    "ham",
    "ber",
    "zo",
    "nit",
    "cle",
    "wan",
]
LONG_TAIL_WORDS = 20_000


def _long_tail(rng: random.Random) -> list[str]:
    """Made-up words with a Zipf-like use: product names, customer domains, plugin names.

    Real articles have a long tail of rare words; without it every query term would be
    in a seventh of the corpus and the benchmark would measure an unrealistic worst case.
    """
    words: set[str] = set()
    while len(words) < LONG_TAIL_WORDS:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _tail_sentence(rng: random.Random, tail: Sequence[str]) -> str:
    # Zipf: index ~ exponential in a uniform draw, so a few words are common, most rare.
    picks = [tail[min(int(len(tail) ** rng.random()) - 1, len(tail) - 1)] for _ in range(4)]
    templates = [
        "Customers on {0}.example report the same with the {1} plugin.",
        "We saw this with {0} and {1} after the {2} update.",
        "For example, {0}-shop.example moved from {1} hosting and kept {2} mail.",
        "The {0} theme and the {1} extension need {2} enabled; {3} does not.",
    ]
    return rng.choice(templates).format(*picks)


@dataclass(frozen=True)
class SyntheticArticle:
    """One generated article."""

    path: str
    """Relative to ``docs/``, e.g. ``email/mailbox-delivery-0042.md``."""
    title: str
    summary: str
    tags: tuple[str, ...]
    keywords: tuple[str, ...]
    related: tuple[str, ...]
    markdown_body: str
    questions: tuple[str, ...] = ()
    """The Markdown after the front matter."""

    @property
    def section(self) -> str:
        return self.path.split("/", 1)[0]

    def markdown(self) -> str:
        """The whole file: YAML front matter + body."""

        def flow(items: Sequence[str]) -> str:
            return "[" + ", ".join(_yaml_scalar(i) for i in items) + "]"

        front = [
            "---",
            f"title: {_yaml_scalar(self.title)}",
            f"summary: {_yaml_scalar(self.summary)}",
            f"tags: {flow(self.tags)}",
            f"keywords: {flow(self.keywords)}",
            f"questions: {flow(self.questions)}",
            "audience: both",
            "applies_to: cPanel & WHM 130",
            "last_reviewed: 2026-11-01",
            "owner: support-team",
            f"related: {flow(self.related)}",
            "---",
            "",
        ]
        return "\n".join(front) + self.markdown_body


def _yaml_scalar(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _paragraph(rng: random.Random, objs: Sequence[str], sentences: int, tail: Sequence[str]) -> str:
    out = []
    for _ in range(sentences):
        if rng.random() < 0.3:
            out.append(_tail_sentence(rng, tail))
            continue
        template = rng.choice(FILLER)
        out.append(template.format(obj=rng.choice(objs), verb=rng.choice(VERBS)))
    return " ".join(out)


def synthetic_articles(n: int, seed: int = 0) -> list[SyntheticArticle]:
    """``n`` articles, deterministic for a given ``seed``."""
    rng = random.Random(seed)
    tail = _long_tail(random.Random(1234))
    sections = list(TOPICS)
    plan: list[tuple[str, str, int]] = []
    for i in range(n):
        section = sections[i % len(sections)]
        plan.append((section, f"{section}/{rng.choice(TOPICS[section])[0]}-{i:05d}.md", i))
    paths = [p for _, p, _ in plan]
    articles = []
    for section, path, i in plan:
        topic = next(t for t in TOPICS[section] if path.split("/")[1].startswith(t[0] + "-"))
        subject, objs, tags = topic
        verb = rng.choice(VERBS)
        obj = rng.choice(objs)
        title = f"How to {verb} {obj} ({subject} {i})"
        summary = (
            f"What to do when {obj} causes trouble: the usual causes, the fix step by step, "
            "and when to open a ticket."
        )
        errs = rng.sample(ERRORS, 2)
        steps = []
        for k in range(rng.randint(4, 7)):
            menu = MENUS[section].format(a=rng.choice(MENU_WORDS), b=rng.choice(PAGE_WORDS))
            steps.append(f"{k + 1}. Open *{menu}* and {rng.choice(VERBS)} {rng.choice(objs)}.")
        body = "\n".join(
            [
                "## Symptoms",
                "",
                *(f"- {rng.choice(SYMPTOMS).format(err=e)}" for e in errs),
                "",
                _paragraph(rng, objs, rng.randint(4, 7), tail),
                "",
                f"## Fix {obj}",
                "",
                *steps,
                "",
                '!!! warning "This cannot be undone"',
                f"    Take a full backup before you {rng.choice(DESTROY)} {rng.choice(objs)}.",
                "",
                _paragraph(rng, objs, rng.randint(5, 9), tail),
                "",
                "## Why it happens",
                "",
                _paragraph(rng, objs, rng.randint(5, 9), tail),
                "",
                "## Still stuck?",
                "",
                f"Open a ticket with the domain, the exact error ({errs[0]}) and the time it "
                "happened. One site down is High priority; a question is Low. Live chat with "
                "your Support PIN "
                "is enough for a quick question.",
                "",
            ]
        )
        others = [p for p in rng.sample(paths, min(4, len(paths))) if p != path][:3]
        keywords = (
            f"{obj.removeprefix('the ')} {rng.choice(KEYWORD_PHRASES)}",
            f"{subject} {rng.choice(KEYWORD_PHRASES)}",
        )
        # A generator of its own, so adding questions left every other article as it was.
        qrng = random.Random(f"{seed}:{path}")
        questions = tuple(
            template.format(
                obj=qrng.choice(objs), verb=qrng.choice(VERBS), err=qrng.choice(errs).strip("`")
            )
            for template in qrng.sample(QUESTION_TEMPLATES, 6)
        )
        articles.append(
            SyntheticArticle(
                path=path,
                title=title,
                summary=summary[:200],
                tags=tuple(dict.fromkeys(tags)),
                keywords=keywords,
                related=tuple(others),
                markdown_body=body,
                questions=questions,
            )
        )
    return articles


def write_synthetic_docs(dest_docs_dir: str | Path, n: int, seed: int = 0) -> list[Path]:
    """Write ``n`` synthetic articles as Markdown under ``dest_docs_dir`` (created if
    needed), with a landing page per section and a home page. Returns the article files."""
    root = Path(dest_docs_dir)
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.md").write_text(
        "---\ntitle: Help Center\nsummary: Synthetic knowledge base for benchmarks.\n"
        "tags: [home]\n---\n\n"
        "# How can we help?\n\nSearch for your problem in the box above.\n",
        encoding="utf-8",
    )
    for section, name in SECTIONS.items():
        (root / section).mkdir(exist_ok=True)
        (root / section / "index.md").write_text(
            f"---\ntitle: {name}\nsummary: Articles about {name}.\ntags: [{section}]\n---\n\n"
            f"Everything about {name} for resellers and their customers.\n",
            encoding="utf-8",
        )
    written = []
    for article in synthetic_articles(n, seed):
        path = root / article.path
        path.write_text(article.markdown(), encoding="utf-8")
        written.append(path)
    return written


def synthetic_documents(n: int, seed: int = 0) -> list[Document]:
    """The same articles as :func:`write_synthetic_docs`, as ``search.Document`` objects
    (Markdown stripped the simple way: no files, no MkDocs)."""
    import re

    from search.documents import Document

    docs: list[Document] = []
    for a in synthetic_articles(n, seed):
        text = re.sub(r"[*`#!]|^\s*\d+\.\s|^- |\"", " ", a.markdown_body, flags=re.MULTILINE)
        headings = tuple(h[3:] for h in a.markdown_body.splitlines() if h.startswith("## "))
        docs.append(
            Document(
                path=a.path,
                url=a.path.removesuffix(".md") + "/",
                title=a.title,
                summary=a.summary,
                body=" ".join(text.split()),
                section=a.section,
                headings=headings,
                keywords=a.keywords,
                questions=a.questions,
                tags=a.tags,
                related=a.related,
            )
        )
    return docs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic hosting knowledge base.")
    parser.add_argument("dest", type=Path, help="the docs/ folder to write into")
    parser.add_argument("-n", type=int, default=200, help="number of articles (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    files = write_synthetic_docs(args.dest, args.n, args.seed)
    print(f"wrote {len(files)} articles under {args.dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

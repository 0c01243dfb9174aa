"""Find secrets pasted into ticket text: passwords, Support PINs, API tokens, private keys.

Deflection warns the customer before the ticket is sent. A :class:`SecretFinding` knows
where the secret is (so it can be masked) but never carries its text, and nothing here
logs the text it scans.

The detectors favour precision on ordinary support prose: "I forgot my password" or
"reset the password" is not a disclosure; "password: hunter2", "pw=...", "my login is
user / Secret!1" and a 32-character cPanel API token are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SecretFinding", "find_secrets", "mask_secrets"]


@dataclass(frozen=True)
class SecretFinding:
    """One secret found in a text: its kind and where it is, never its value."""

    type: str
    """``password``, ``support_pin``, ``api_token`` or ``private_key``."""
    start: int
    end: int


_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[^\n]*(?:\n[A-Za-z0-9+/=]{8,}[.]*)*)",  # noqa: E501
    re.DOTALL,
)
# cPanel & WHM API tokens: 32 upper-case letters and digits.
_CPANEL_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{32}(?![A-Za-z0-9])"
)
_AUTH_HEADER = re.compile(
    r"\b(?:authorization\s*:\s*)?(?:cpanel|whm|bearer|token|basic)\s+(?:[\w.\-]+\s*:\s*)?(?P<secret>[A-Za-z0-9_\-.=+/]{20,})",
    re.IGNORECASE,
)
_KEYED_TOKEN = re.compile(
    r"\b(?:api[_\s-]?(?:key|token|secret)|access[_\s-]?token|secret[_\s-]?key|token)\s*(?:is|was|[:=])\s*['\"]?(?P<secret>[A-Za-z0-9_\-.=+/]{16,})",
    re.IGNORECASE,
)
_VENDOR_TOKEN = re.compile(
    r"\b(?:ghp|gho|ghs|github_pat|glpat|xox[abp]|sk(?:_live)?)[-_][A-Za-z0-9_\-]{16,}\b"
)

_PIN_WORD = re.compile(r"\b(?:support\s+)?pin\b", re.IGNORECASE)
_PIN_DIRECT = re.compile(
    r"\b(?:support\s+)?pin(?:\s+(?:code|number))?\s*(?:is|was|=|:|#|-)?\s*(?:is\s+)?(?P<secret>\d{4,8})\b",
    re.IGNORECASE,
)
_DIGITS = re.compile(
    r"(?<![#\d\w.,/:-])(?P<secret>\d{5,8})(?![\d\w.,/:-]|\s*(?:rows|gb|mb|kb|%))", re.IGNORECASE
)

# Numbers that are labelled as something else: "ticket 58302", "order #12345".
_NOT_A_PIN = re.compile(
    r"\b(?:ticket|order|invoice|case|id|number|no|phone|account)\s*(?:is|was|:|#|no\.?|number)?\s*$",
    re.IGNORECASE,
)

_PASSWORD_WORD = r"(?:password|passwd|passwort|passcode|passphrase|pass|pwd|pw)"
_PASSWORD_DELIMITED = re.compile(
    rf"\b{_PASSWORD_WORD}\b\s*(?:[:=]|\bis\b|\bwas\b|\bis\s+now\b|-)\s*['\"]?(?P<secret>[^\s'\"]+)",
    re.IGNORECASE,
)
_PASSWORD_BARE = re.compile(rf"\b{_PASSWORD_WORD}\b\s+['\"]?(?P<secret>[^\s'\"]+)", re.IGNORECASE)
_URL_CREDENTIALS = re.compile(
    r"\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:(?P<secret>[^\s@/]+)@", re.IGNORECASE
)
_LOGIN_PAIR = re.compile(
    r"\b(?:login|log-in|credentials|username\s+and\s+password|user\s*/\s*pass(?:word)?)\b[^.\n]{0,40}?(?:\bis\b|:)\s*[^\s/]+\s*(?:/|:|,)\s*(?P<secret>[^\s]+)",
    re.IGNORECASE,
)
_CREDENTIAL_CONTEXT = re.compile(
    r"\b(?:password|passwd|passwords|login|log\s+in|credentials|sign\s+in|tried)\b", re.IGNORECASE
)
_TOKEN = re.compile(r"[^\s()\[\]{}<>,;\"']+")

# Words that follow "password is ..." in ordinary prose, i.e. no disclosure.
_NOT_SECRETS = frozenset(
    """
    a an the is not no now correct incorrect wrong right invalid valid expired same
    different changed reset rejected accepted required missing empty blank too very
    still being definitely also always never case set saved stored fine ok okay working
    long short weak strong in on of for from to at by with that this what which it my
    your our their his her and or but if when because field box prompt manager managers
    reset-link link protected change changes policy please again there here than then
    """.split()
)


def _looks_like_word(token: str) -> bool:
    return token.isalpha() and token.lower() == token and len(token) < 14


def _is_secretish(token: str, *, delimited: bool) -> bool:
    """Tell a disclosed value from the next word of a sentence."""
    token = token.rstrip(".,;:!?)") if not delimited else token.rstrip(".,;)")
    if len(token) < 3 or token.lower() in _NOT_SECRETS:
        return False
    if "@" in token or "://" in token:
        return False
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    has_symbol = any(not c.isalnum() for c in token)
    mixed_case = token.lower() != token and token.upper() != token
    if delimited:
        # "password: x" is a disclosure unless x is an ordinary word ending the sentence
        # ("the password is changed", "password is required").
        return not token.lower().endswith(("ed", "ing", "ly")) or has_digit or has_symbol
    # "password Bluefin2024!": only a value that is clearly not a word counts.
    return has_alpha and (has_digit or has_symbol or mixed_case) and not _looks_like_word(token)


def _is_strong_password(token: str) -> bool:
    """A token with lower and upper case, a digit and a symbol, like ``Tidewater#88``."""
    token = token.rstrip(".,;:?)")
    if not 6 <= len(token) <= 64 or "@" in token or "://" in token or "/" in token:
        return False
    return (
        any(c.islower() for c in token)
        and any(c.isupper() for c in token)
        and any(c.isdigit() for c in token)
        and any(not c.isalnum() for c in token)
    )


def find_secrets(text: str) -> list[SecretFinding]:
    """Find the secrets in ``text``, in order of position, without overlaps."""
    found: list[SecretFinding] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(f.start < end and start < f.end for f in found):
            return
        found.append(SecretFinding(kind, start, end))

    for m in _PRIVATE_KEY.finditer(text):
        add("private_key", m.start(), m.end())
    for pattern in (_AUTH_HEADER, _KEYED_TOKEN, _VENDOR_TOKEN):
        for m in pattern.finditer(text):
            group = "secret" if "secret" in pattern.groupindex else 0
            value = m.group(group)
            if pattern is _AUTH_HEADER and not any(c.isdigit() for c in value):
                continue  # "bearer token authentication ..." is prose, not a token
            add("api_token", m.start(group), m.end(group))
    for m in _CPANEL_TOKEN.finditer(text):
        add("api_token", m.start(), m.end())

    for m in _URL_CREDENTIALS.finditer(text):
        add("password", m.start("secret"), m.end("secret"))
    for m in _PASSWORD_DELIMITED.finditer(text):
        if _is_secretish(m.group("secret"), delimited=True):
            add("password", m.start("secret"), m.end("secret"))
    for m in _PASSWORD_BARE.finditer(text):
        if _is_secretish(m.group("secret"), delimited=False):
            add("password", m.start("secret"), m.end("secret"))
    for m in _LOGIN_PAIR.finditer(text):
        if _is_secretish(m.group("secret"), delimited=True):
            add("password", m.start("secret"), m.end("secret"))
    if _CREDENTIAL_CONTEXT.search(text):
        for m in _TOKEN.finditer(text):
            if _is_strong_password(m.group(0)):
                add("password", m.start(), m.end())

    for m in _PIN_DIRECT.finditer(text):
        add("support_pin", m.start("secret"), m.end("secret"))
    for pin in _PIN_WORD.finditer(text):
        # "Live chat asks for my Support PIN. I typed 804219 and ...": a PIN-length number
        # close to the word PIN is the PIN.
        window_start = max(0, pin.start() - 60)
        window = text[window_start : pin.end() + 100]
        for m in _DIGITS.finditer(window):
            if _NOT_A_PIN.search(window[: m.start("secret")]):
                continue
            add("support_pin", window_start + m.start("secret"), window_start + m.end("secret"))

    found.sort(key=lambda f: f.start)
    return found


def mask_secrets(text: str, findings: list[SecretFinding] | None = None) -> str:
    """Return ``text`` with every secret replaced by ``[redacted]``."""
    if findings is None:
        findings = find_secrets(text)
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        parts.append(text[position : finding.start])
        parts.append("[redacted]")
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)

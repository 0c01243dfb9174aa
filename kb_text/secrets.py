"""Find secrets pasted into ticket text: passwords, Support PINs, API tokens, private keys
and payment card numbers.

Deflection warns the customer before the ticket is sent, and the feedback store masks
what it keeps. A :class:`SecretFinding` knows where the secret is (so it can be masked)
but never carries its text, and nothing here logs the text it scans.

The detectors work on classes of disclosure, not on examples:

- a credential word in any of the languages our customers write (``password``,
  ``Passwort``, ``contraseña``, ``mot de passe``, ``senha``, ``wachtwoord``, ``пароль`` …)
  followed by a value, with or without a delimiter, and with a few words between them
  ("the password for cpanel is: …");
- a value that looks like a password (letters, digits and case or symbols mixed) in the
  sentences after a credential word ("login details below", "my password, it is …"), or
  on the lines after "login details:";
- a password set in pasted configuration (wp-config's ``define('DB_PASSWORD', …)``, an
  ``.env`` line) and a passphrase in quotes;
- Support PINs next to the word PIN, also written with spaces or dots (``48 31 27``);
- tokens by their shape: cPanel API tokens, bearer and basic headers, JWTs, AWS access
  keys and secret keys, vendor tokens (GitHub, GitLab, Slack, Stripe);
- PEM private keys; card numbers that pass the Luhn check.

Text is matched after NFKC normalisation, so fullwidth letters (``ｐａｓｓｗｏｒｄ``) are
seen as what they look like; findings point into the original text. Error messages that
only *mention* a password ("Access denied … (using password: YES)", "password is too
weak", a masked ``********``) are not disclosures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kb_text import CONTROL_CHARS

__all__ = ["SECRET_KINDS", "SecretFinding", "find_secrets", "mask_secrets"]

SECRET_KINDS = ("password", "support_pin", "api_token", "private_key", "card_number")
"""Every kind of secret :func:`find_secrets` reports."""


@dataclass(frozen=True)
class SecretFinding:
    """One secret found in a text: its kind and where it is, never its value."""

    type: str
    """One of :data:`SECRET_KINDS`."""
    start: int
    end: int


# -- shapes ------------------------------------------------------------------------------

_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[^\n]*(?:\n[A-Za-z0-9+/=]{8,}[.]*)*)",  # noqa: E501
    re.DOTALL,
)
# PuTTY's .ppk: the private lines after "Private-Lines: N".
_PPK_PRIVATE = re.compile(
    r"PuTTY-User-Key-File-\d+:[\s\S]{0,4000}?Private-Lines:\s*\d+\s*\n(?P<secret>[A-Za-z0-9+/=\s]{16,}?)(?=\n?Private-MAC:|\Z)"
)
# cPanel & WHM API tokens: 32 upper-case letters and digits.
# Not a hash written in hex (an MD5, a validation file's name), nor part of a path.
_CPANEL_TOKEN = re.compile(
    r"(?<![A-Za-z0-9/])(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[G-Z])[A-Z0-9]{32}(?![A-Za-z0-9]|\.[a-z]{2,4}\b)"
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{4,}")
_AWS_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b")
# An AWS secret key is 40 characters of base64; only taken as one near the words that
# name it, since a 40-character run alone could be a hash.
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")
_AWS_CONTEXT = re.compile(r"(?<![A-Za-z])(?:aws|secret|access[\s_]*key|iam)", re.IGNORECASE)
_AUTH_HEADER = re.compile(
    r"\b(?:authorization\s*:\s*)?(?:cpanel|whm|bearer|token|basic)\s+(?:[\w.\-]+\s*:\s*)?(?P<secret>[A-Za-z0-9_\-.=+/]{20,})",
    re.IGNORECASE,
)
_KEYED_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?:api[_\s-]?(?:key|token|secret)|access[_\s-]?(?:token|key)|secret(?:[_\s-]?access)?[_\s-]?key|client[_\s-]?secret|auth[_\s-]?token|token)\s*(?:is|was|[:=])\s*['\"]?(?P<secret>[A-Za-z0-9_\-.=+/]{16,})",
    re.IGNORECASE,
)
# Vendors' published key formats: GitHub, GitLab, Slack, Stripe, OpenAI-style "sk-";
# the mail APIs websites send through (SendGrid, Mailgun); Google API keys.
_VENDOR_TOKEN = re.compile(
    r"\b(?:ghp|gho|ghs|ghu|github_pat|glpat|xox[abposr]|sk(?:_live|_test)?|rk_live|pk_live)[-_][A-Za-z0-9_\-]{16,}\b"
    r"|\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"
    r"|\bkey-[0-9a-f]{32}\b"
    r"|\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])"
    r"|hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]{16,}"
)
# A run of digits in groups; the card is its longest leading groups that pass the Luhn
# check, so an expiry or a code written after it ("4242424242424242 0826 737") is not
# taken for more digits of the card.
_CARD_RUN = re.compile(r"(?<![\d.,/-])\d+(?:[ -]\d+)*(?![.,/]\d)")
_CARD_GROUPED = re.compile(r"^\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}$|^\d{4}([ -])\d{6}\2\d{5}$")
_CARD_CONTEXT = re.compile(
    r"\b(?:card|credit|debit|visa|master\s*card|amex|american\s+express|cc|cvv|cvc|expiry"
    r"|expires|kreditkarte|karte|kartennummer|tarjeta|carte|cart[aã]o|kaart|carta)\b",
    re.IGNORECASE,
)
_CARD_DETAILS = re.compile(
    r"\b(?:exp(?:iry|ires|iration)?|valid\s+(?:thru|until)|cvv2?|cvc2?|csc|security\s+code)\b",
    re.IGNORECASE,
)

# -- Support PINs ------------------------------------------------------------------------

_PIN_WORD = re.compile(r"\b(?:support[\s-]+)?pin\b", re.IGNORECASE)
# A PIN as digits, possibly grouped with spaces, dots or dashes: 482913, 48 29 13, 48.29.13,
# or broken across a line by a phone's wrapping.
# Grouped first: "8042 19" is one PIN, not "8042" with "19" left over.
_PIN_VALUE = r"\d{1,4}(?:(?:[ .\-]|\n)\d{1,4}){1,7}|\d{4,8}"
_PIN_DIRECT = re.compile(
    rf"\b(?:support[\s-]+)?pin(?:\s+(?:code|number|no\.?))?\s*(?:is|was|=|:|#|-|lautet|ist|est|es|é|är|là|wynosi)?\s*(?:is\s+)?(?:now\s+)?(?P<secret>{_PIN_VALUE})(?![\d.,/:-]*\d)",
    re.IGNORECASE,
)
_DIGITS = re.compile(
    r"(?<![#\d\w.,/:-])(?P<secret>\d{5,8}|\d{2,3}(?:[ .]\d{2,3}){1,3}|\d(?:[ .]\d){3,7})(?![\d\w.,/:-]|\s*(?:rows|gb|mb|kb|%|ms|s\b|min|days?|hours?|times))",  # noqa: E501
    re.IGNORECASE,
)
# A PIN read out in words: "four four seven one nine" (a dictated ticket).
_SPOKEN_DIGITS = re.compile(
    r"\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)[\s,-]+){3,7}"
    r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b",
    re.IGNORECASE,
)
#: How far after the word PIN a PIN-length number is still taken as the PIN.
_PIN_AFTER = 300
# Numbers that are labelled as something else: "ticket 58302", "order #12345".
_NOT_A_PIN = re.compile(
    r"\b(?:ticket|order|invoice|case|id|number|no|phone|account|reference|ref|port|error|code|line|version|build|pid|uid)\s*(?:is|was|:|#|no\.?|number)?\s*$",
    re.IGNORECASE,
)

# -- passwords ---------------------------------------------------------------------------

# The word for password in the languages customers write in (after NFKC and case folding).
_PASSWORD_WORD = (
    r"(?:passwords?|passwd|passwort|kennwort|passcode|passphrase|pass|pwd|pword|pw|p/w"
    r"|contrase[nñ]a|clave|mot\s+de\s+passe|mdp|senha|wachtwoord|parola|has[lł]o|heslo"
    r"|l[oö]senord(?:et)?|salasana|[sş]ifre(?:m|si|niz|n)?|kata\s+sandi|sandi|m[ậa]t\s+kh[ẩa]u"
    r"|jelsz[oó]|пароль|парол[ьяи]|كلمة\s+(?:المرور|السر))"
)
# Scripts written without spaces between words: no word boundary is asked for.
_PASSWORD_WORD_CJK = r"(?:パスワード|密码|密碼|비밀번호)"
# The word at a word boundary (or a CJK word anywhere).
_PW = rf"(?:(?<![\w-]){_PASSWORD_WORD}|{_PASSWORD_WORD_CJK})"
# What may stand between the word and its value: "for cpanel", "of the mailbox", "für".
_PASSWORD_OBJECT = (
    r"(?:\s+(?:for|of|to|on|at|de|du|für|fur|pour|para|do|da|van|voor|för|til|для|от|cho)"
    r"(?:\s+[^\s:=]{1,30}){1,4}?)?"
)
# A dash inside a name ("marija-keramika.example") is not the "-" of "password - x".
_IS = r"(?:\b(?:is|was|is\s+now|ist|es|est|é|je|är|là|это|هي)(?!\w)|:|=|->|→|(?<![\w.@])-)"
_PASSWORD_DELIMITED = re.compile(
    rf"{_PW}{_PASSWORD_OBJECT}\s*(?:{_IS})\s*:?\s*['\"“‘«]?(?P<secret>[^\s'\"”’»]+)",
    re.IGNORECASE,
)
_PASSWORD_BARE = re.compile(rf"{_PW}[ \t]+['\"“‘«]?(?P<secret>[^\s'\"”’»]+)", re.IGNORECASE)
# A configuration line that sets a password: wp-config's define('DB_PASSWORD', '...'),
# an .env line (SMTP_PASS=...), a PHP or JSON key ('password' => '...').
_CONFIG_PASSWORD = re.compile(
    r"""(?:\b\w*(?:password|passwd|pass|pwd|secret)\w*['"]?\s*(?:,|=>|=|:)\s*['"](?P<quoted>[^'"\s]{3,128})['"]"""
    r"""|^[ \t]*(?:export[ \t]+)?(?![A-Z0-9_]*PUB)[A-Z0-9_]*(?:PASSWORD|PASSWD|PASS|PWD|SECRET|_KEY|TOKEN)[A-Z0-9_]*[ \t]*=[ \t]*['"]?(?P<env>[^\s'"]{3,128})"""  # noqa: E501
    # An XML settings file: FileZilla's <Pass encoding="base64">...</Pass>.
    r"""|<(?:pass|password|passwd|pwd|secret)\b[^>\n]*>(?P<xml>[^<\s]{3,128})</)""",
    re.IGNORECASE | re.MULTILINE,
)
# Credentials on a command line: curl -u user:pass, lftp -u user,pass, wget
# --http-password=..., mysql -p'...' or -pSecret, sshpass -p '...'.
_COMMAND_CREDENTIALS = re.compile(
    r"\b(?:curl|lftp|wget|ftp|sftp|mysql|mysqldump|mysqladmin|sshpass|smbclient|rsync|psql)\b[^\n]{0,240}?"
    r"(?:\s-u\s*['\"]?[^\s:,'\"]+[:,](?P<user_pass>[^\s'\"]+)"
    r"|\s--(?:http-|ftp-)?pass(?:word)?(?:=|\s+)['\"]?(?P<long>[^\s'\"]+)"
    r"|\s-p\s*['\"](?P<quoted>[^'\"\n]+)['\"]"
    r"|\s-p(?P<attached>[^\s'\"-][^\s'\"]*)"
    # The whole option quoted, as shells print a traced command: '-pSecret'.
    r"|\s['\"]-p(?P<quoted_option>[^\s'\"]+)['\"])",
)
# A passphrase in quotes: "my password is 'correct horse battery staple'".
_QUOTED_PASSPHRASE = re.compile(
    rf"{_PW}{_PASSWORD_OBJECT}\s*(?:{_IS})\s*:?\s*(?:'(?P<single>[^'\n]{{4,64}})'|\"(?P<double>[^\"\n]{{4,64}})\"|“(?P<curly>[^”\n]{{4,64}})”)",
    re.IGNORECASE,
)
_URL_CREDENTIALS = re.compile(
    r"\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:(?P<secret>[^\s@/]+)@", re.IGNORECASE
)
_LOGIN_PAIR = re.compile(
    r"\b(?:login|log-in|credentials|admin(?:istrator)?|username\s+and\s+password|user\s*/\s*pass(?:word)?)\b[^.\n]{0,40}?(?:\bis\b|:)\s*[^\s/]+\s*(?:/|:|,|\s+and\s+)\s*(?P<secret>[^\s]+)",
    re.IGNORECASE,
)
# Words that announce credentials: the sentences after them may hold the value.
_CREDENTIAL_CONTEXT = re.compile(
    rf"(?:{_PASSWORD_WORD_CJK}|(?<![\w-])(?:{_PASSWORD_WORD}|login\s+(?:details|info|information|data)|credentials"
    r"|(?:account\s+|access\s+|login\s+)?details(?=\s*:)"
    r"|access\s+details|log\s*in\s+(?:with|as)|sign\s+in\s+(?:with|as)|zugangsdaten|datos\s+de\s+acceso"
    r"|(?:admin\s+|wp\s+|wordpress\s+|cpanel\s+|whm\s+|ftp\s+)?log-?ins?|user\s*names?"
    r"|identifiants|dados\s+de\s+acesso|inloggegevens|tried)(?![\w-]))",
    re.IGNORECASE,
)
# What introduces a value in prose, right before it: "it's just sunshine2", "the year we
# got him: rexie2011", "I set it to tulip2020".
_INTRODUCED = re.compile(
    r"(?:\b(?:is|just|be|was)|[:=]|\b(?:set|changed?|reset|updated?)\s+(?:it\s+)?to)\s*$",
    re.IGNORECASE,
)
_PASSWORD_WORD_RE = re.compile(rf"^{_PW}$", re.IGNORECASE)
# How far after a credential word a password-like value is still taken as its value.
_CONTEXT_AFTER = 240
_CONTEXT_BEFORE = 60
_TOKEN = re.compile(r"[^\s()\[\]{}<>,;\"'“”‘’«»\\&]+")

# Error messages and prose that mention a password without giving one.
_MENTION_ONLY = re.compile(
    r"\(using\s+password:\s*(?:yes|no)\)|password\s*:\s*(?:yes|no)\b", re.IGNORECASE
)

# Words that follow "password is ..." in ordinary prose, i.e. no disclosure.
_NOT_SECRETS = frozenset(
    """
    a an the is not no now correct incorrect wrong right invalid valid expired same
    different changed reset rejected accepted required missing empty blank too very
    still being definitely also always never case set saved stored fine ok okay working
    long short weak strong in on of for from to at by with that this what which it my
    your our their his her and or but if when because field box prompt manager managers
    reset-link link protected change changes policy please again there here than then
    yes true false none null hidden redacted removed masked below above attached
    use enter type see click ask contact choose leave keep check as via sent emailed
    provided unchanged forgotten lost unknown
    strength complexity requirements protection recovery reminder hint prompts dialog
    window expiry expires expiration rules rule length characters entered typed
    incorrecta incorrecto falsch faux errado onjuist неверный
    """.split()
)
_MASKED = re.compile(
    r"^[*•●◦∙·⚫xX#._\-]{3,}(?:$|&)|^\[?(?:redacted|hidden|removed)\]?$|^<[^>]*>$"
    # Placeholders of sample files and manuals: password_here, YOUR_PASSWORD, changeme.
    r"|^(?:\w*_here|your[_-]?\w+|changeme|example\w*|x{3,}|\.\.\.)$",
    re.IGNORECASE,
)
_KEY_VALUE = re.compile(r"^[A-Za-z_][\w.-]*[=:]")
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\.?$")
# An address without a dot in its domain ("mary.hopkins@somewhere"), all lower case.
_ADDRESS = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?$")
# A date as logs print it: 14-May-2024, 2024-05-14, 14/05/2024.
_DATEISH = re.compile(r"^\[?\d{1,4}[-/.](?:\d{1,2}|[A-Za-z]{3,9})[-/.]\d{2,4}\]?$")
# A name and "=" with nothing after it: an XML attribute (encoding="..."), an empty field.
_EMPTY_ASSIGNMENT = re.compile(r"^[A-Za-z_]+=$")
# A hexadecimal code as programs print their errors: 0x800CCC92.
_HEX_CODE = re.compile(r"^0x[0-9a-f]+$", re.IGNORECASE)
_VERSIONISH = re.compile(r"^\d+(?:\.\d+)+$|^v?\d+(?:\.\d+){1,3}[a-z]?$", re.IGNORECASE)


def _looks_like_word(token: str) -> bool:
    return token.isalpha() and token.lower() == token and len(token) < 14


def _strip(token: str, *, delimited: bool) -> str:
    return token.rstrip(".,;)") if delimited else token.rstrip(".,;:!?)")


def _is_value(token: str) -> bool:
    """Not a placeholder, a mask, an address or a version."""
    if len(token) < 3 or token.lower() in _NOT_SECRETS or _MASKED.match(token):
        return False
    if _EMPTY_ASSIGNMENT.match(token):
        return False
    if (
        _EMAIL.match(token)
        or _ADDRESS.match(token)
        or _DATEISH.match(token)
        or "://" in token
        or token.startswith(("/", "~", "$", "%", "(", "[", "--", "&", "?"))
    ):
        return False
    return not (_VERSIONISH.match(token) or _HEX_CODE.match(token))


def _is_secretish(token: str, *, delimited: bool) -> bool:
    """Tell a disclosed value from the next word of a sentence."""
    token = _strip(token, delimited=delimited)
    if not _is_value(token):
        return False
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    has_symbol = any(not c.isalnum() for c in token)
    mixed_case = token.lower() != token and token.upper() != token
    if delimited:
        # "password: x" is a disclosure unless x is an ordinary word ending the sentence
        # ("the password is changed", "password was phished:").
        if token.isdigit():
            return len(token) >= 4
        core = token.rstrip(":!?")
        if core.isalpha() and core.islower() and core.endswith(("ed", "ing", "ly")):
            return False
        return not token.lower().endswith(("ed", "ing", "ly")) or has_digit or has_symbol
    # "password Bluefin2024!": only a value that is clearly not a word counts; a capital
    # letter alone does not make one ("password Outlook asks for").
    inner_capital = any(c.isupper() for c in token[1:])
    return (
        has_alpha
        and (has_digit or has_symbol or (mixed_case and inner_capital))
        and not _looks_like_word(token)
    )


def _is_password_like(token: str) -> bool:
    """A token that reads as a password wherever it stands near a credential word:
    letters with digits and with case or symbols mixed (``Bluefin2024``, ``Choir!2023``),
    or all four classes."""
    token = token.rstrip(".,;:?)")
    if not 6 <= len(token) <= 64 or not _is_value(token) or "/" in token:
        return False
    if token.rstrip("!").isalpha():
        return False  # "Danke!": a word and its exclamation mark
    lower = any(c.islower() for c in token)
    upper = any(c.isupper() for c in token)
    digit = any(c.isdigit() for c in token)
    symbol = any(not c.isalnum() and c not in "_-." for c in token)
    if not (lower or upper) or not (digit or symbol):
        return False
    return lower + upper + digit + symbol >= 3


def _is_plain_password(token: str) -> bool:
    """Letters and digits only (``sunshine2``, ``rexie2011``): a password when prose
    introduces it after the word password, not wherever it stands."""
    token = token.rstrip(".,;:?!)")
    return (
        6 <= len(token) <= 32
        and token.isalnum()
        and sum(c.isalpha() for c in token) >= 3
        and any(c.isdigit() for c in token)
        and _is_value(token)
    )


def _followed_by_host(text: str, end: int) -> bool:
    """``'app'@'localhost'``, ``user@host``: the token names a user, not a secret."""
    return text[end : end + 2].lstrip("'\"").startswith("@")


def _card_in(run: str) -> str | None:
    """The longest leading groups of a digit run that make a card number (13 to 19
    digits passing the Luhn check), or None."""
    groups = re.split(r"([ -])", run)
    for end in range(len(groups), 0, -2):
        candidate = "".join(groups[:end])
        digits = candidate.replace(" ", "").replace("-", "")
        if 13 <= len(digits) <= 19 and _luhn(digits):
            return candidate
    return None


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _normalised(text: str) -> tuple[str, list[int] | None]:
    """``text`` after NFKC and without format characters (zero-width spaces and joiners,
    soft hyphens: category Cf), and for each of its characters the index in ``text``
    (None when nothing changed). A word broken by an invisible character is still the
    word: ``pass\u200bword`` is ``password``."""
    if text.isascii() or (
        unicodedata.is_normalized("NFKC", text)
        and not any(unicodedata.category(ch) == "Cf" for ch in text)
    ):
        return text, None
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cf":
            continue
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def find_secrets(text: str) -> list[SecretFinding]:
    """Find the secrets in ``text``, in order of position, without overlaps.

    The whole text is scanned, however long: a password pasted under a long log is
    still found. A control character (C0, C1) is read both ways a reader could take it,
    as a space and as nothing: ``Tide\x85water88`` after "password is" is one password,
    and ``is\x85Tidewater88`` still a word and its value.
    """
    if CONTROL_CHARS.search(text) is None:
        return _find_secrets(text)
    found = _find_secrets(CONTROL_CHARS.sub(" ", text))
    kept = [i for i, ch in enumerate(text) if not CONTROL_CHARS.match(ch)]
    for f in _find_secrets("".join(text[i] for i in kept)):
        start, end = kept[f.start], kept[f.end - 1] + 1
        overlapping = [g for g in found if g.start < end and start < g.end]
        for g in overlapping:
            found.remove(g)
            start, end = min(start, g.start), max(end, g.end)
        found.append(SecretFinding(f.type, start, end))
    return sorted(found, key=lambda f: f.start)


def _find_secrets(text: str) -> list[SecretFinding]:
    norm, origin = _normalised(text)
    found: list[SecretFinding] = []

    def add(kind: str, start: int, end: int) -> None:
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        if any(f.start < end and start < f.end for f in found):
            return
        found.append(SecretFinding(kind, start, end))

    for m in _PRIVATE_KEY.finditer(norm):
        add("private_key", m.start(), m.end())
    for m in _PPK_PRIVATE.finditer(norm):
        add("private_key", m.start("secret"), m.end("secret"))
    for m in _JWT.finditer(norm):
        add("api_token", m.start(), m.end())
    for m in _AWS_ACCESS_KEY.finditer(norm):
        add("api_token", m.start(), m.end())
    if _AWS_CONTEXT.search(norm):
        for m in _AWS_SECRET.finditer(norm):
            value = m.group("secret")
            if any(c.isdigit() for c in value) and value.lower() != value:
                add("api_token", m.start("secret"), m.end("secret"))
    for pattern in (_AUTH_HEADER, _KEYED_TOKEN, _VENDOR_TOKEN):
        for m in pattern.finditer(norm):
            group = "secret" if "secret" in pattern.groupindex else 0
            value = m.group(group)
            if pattern is _AUTH_HEADER and not any(c.isdigit() for c in value):
                continue  # "bearer token authentication ..." is prose, not a token
            add("api_token", m.start(group), m.end(group))
    for m in _CPANEL_TOKEN.finditer(norm):
        add("api_token", m.start(), m.end())

    mentions = [(m.start(), m.end()) for m in _MENTION_ONLY.finditer(norm)]

    def mention(start: int) -> bool:
        return any(s <= start < e for s, e in mentions)

    for m in _URL_CREDENTIALS.finditer(norm):
        add("password", m.start("secret"), m.end("secret"))
    for m in _COMMAND_CREDENTIALS.finditer(norm):
        group = m.lastindex or 0  # the alternative that matched holds the value
        if _is_value(m.group(group)):
            add("password", m.start(group), m.end(group))
    for m in _CONFIG_PASSWORD.finditer(norm):
        group = m.lastindex or 0
        if _is_value(m.group(group)) and not mention(m.start()):
            add("password", m.start(group), m.end(group))
    for m in _QUOTED_PASSPHRASE.finditer(norm):
        group = m.lastindex or 0
        value = m.group(group)
        # Several words: a passphrase. One word goes through the checks below.
        if " " in value.strip() and not mention(m.start()):
            words_in = value.split()
            if not all(w.lower().strip(".,!?") in _NOT_SECRETS for w in words_in):
                add("password", m.start(group), m.end(group))
    for pattern, delimited in ((_PASSWORD_DELIMITED, True), (_PASSWORD_BARE, False)):
        for m in pattern.finditer(norm):
            value = m.group("secret")
            if mention(m.start()) or _followed_by_host(norm, m.end("secret")):
                continue
            if _is_secretish(value, delimited=delimited):
                end = m.start("secret") + len(_strip(value, delimited=delimited))
                add("password", m.start("secret"), end)
    for m in _LOGIN_PAIR.finditer(norm):
        if _is_secretish(m.group("secret"), delimited=True):
            add("password", m.start("secret"), m.end("secret"))
    for context in _CREDENTIAL_CONTEXT.finditer(norm):
        if mention(context.start()):
            continue
        window_start = max(0, context.start() - _CONTEXT_BEFORE)
        while window_start > 0 and not norm[window_start - 1].isspace():
            window_start -= 1  # a whole token, never the tail of one (a public key's)
        window_end = min(len(norm), context.end() + _CONTEXT_AFTER)
        password_word = _PASSWORD_WORD_RE.match(context.group(0)) is not None
        for m in _TOKEN.finditer(norm, window_start, window_end):
            token = m.group(0)
            if _KEY_VALUE.match(token):
                continue  # "plan=Basic" in a pasted request: a field, not a secret
            if _followed_by_host(norm, m.end()):
                continue
            if _is_password_like(token) or (
                password_word
                and m.start() >= context.end()
                and _is_plain_password(token)
                and _INTRODUCED.search(norm, max(0, m.start() - 30), m.start())
            ):
                add("password", m.start(), m.start() + len(token.rstrip(".,;:?)")))

    for m in _PIN_DIRECT.finditer(norm):
        start, end = m.start("secret"), m.end("secret")
        if not 4 <= sum(c.isdigit() for c in m.group("secret")) <= 8:
            # Too many digits in the groups for one PIN (a date after it): the first
            # group alone, if it is PIN-length.
            first = re.match(r"\d{4,8}(?!\d)", m.group("secret"))
            if first is None:
                continue
            end = start + first.end()
        add("support_pin", start, end)
    for pin in _PIN_WORD.finditer(norm):
        # "Live chat asks for my Support PIN. I typed 804219 and ...": a PIN-length number
        # close to the word PIN is the PIN.
        window_start = max(0, pin.start() - 60)
        window = norm[window_start : pin.end() + _PIN_AFTER]
        for m in _DIGITS.finditer(window):
            if _NOT_A_PIN.search(window[: m.start("secret")]):
                continue
            digits = re.sub(r"\D", "", m.group("secret"))
            if not 4 <= len(digits) <= 8:
                continue
            add("support_pin", window_start + m.start("secret"), window_start + m.end("secret"))
        for m in _SPOKEN_DIGITS.finditer(window):
            add("support_pin", window_start + m.start(), window_start + m.end())

    for m in _CARD_RUN.finditer(norm):
        run = m.group(0)
        card = _card_in(run)
        if card is not None:
            digits = re.sub(r"\D", "", card)
            # An order number can pass the Luhn check by chance: a card is named as one,
            # or written in the groups cards are printed in with more than a digit or two
            # repeated (test cards such as 4111 1111 1111 1111 count when they are named).
            nearby = norm[max(0, m.start() - 60) : m.start()]
            grouped = _CARD_GROUPED.match(card) and len(set(digits)) > 2
            # Or followed by its expiry or security code ("5412... exp 09/27 cvc 412").
            details = _CARD_DETAILS.search(norm, m.end(), m.end() + 40)
            if grouped or _CARD_CONTEXT.search(nearby) or details:
                add("card_number", m.start(), m.start() + len(card))
        # Printed in a card's groups with its expiry or security code next to it: a card
        # even when a digit is mistyped and the checksum fails.
        if (
            _CARD_GROUPED.match(run)
            and len(set(run)) > 3
            and _CARD_DETAILS.search(norm, m.end(), m.end() + 40)
        ):
            add("card_number", m.start(), m.end())

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

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
- a password spelled out as over the phone (NATO words, "capital T", digits and symbols
  named), a passphrase announced as one ("three words: ..."), the cells of a table's
  password column (Markdown, CSV), the other values of a credentials list, and every
  copy of a value once found;
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

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from kb_text import CONTROL_CHARS
from kb_text.words import english_frequencies

__all__ = ["SECRET_KINDS", "SecretFinding", "find_secrets", "mask_secrets", "warm_secret_detector"]

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
    r"(?<![A-Za-z0-9])(?:api[_\s-]?(?:key|token|secret)|access[_\s-]?(?:token|key)|secret(?:[_\s-]?access)?[_\s-]?key|client[_\s-]?secret|auth[_\s-]?token|token)['\"]?\s*(?:is|was|[:=])\s*['\"]?(?P<secret>[A-Za-z0-9_\-.=+/]{16,})",
    re.IGNORECASE,
)
# Vendors' published key formats: GitHub, GitLab, Slack, Stripe (not its publishable pk_
# keys, public by design), OpenAI-style "sk-";
# the mail APIs websites send through (SendGrid, Mailgun); Google API keys.
_VENDOR_TOKEN = re.compile(
    r"\b(?:ghp|gho|ghs|ghu|github_pat|glpat|xox[abposr]|sk(?:_live|_test)?|rk_live)[-_][A-Za-z0-9_\-]{16,}\b"
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

# Letters on either side, not a word boundary: "支持PIN：" has no boundary before "PIN".
_PIN_WORD = re.compile(
    r"(?<![A-Za-z])(?:support[\s-]+)?(?:pin|пин|пін)(?![A-Za-z])|الرقم\s+السري", re.IGNORECASE
)
# A PIN as digits, possibly grouped with spaces, dots or dashes: 482913, 48 29 13, 48.29.13,
# or broken across a line by a phone's wrapping.
# Grouped first: "8042 19" is one PIN, not "8042" with "19" left over.
_PIN_VALUE = r"\d{1,4}(?:(?:[ .\-·•]|\n)\d{1,4}){1,7}|\d{4,8}"
_PIN_DIRECT = re.compile(
    rf"\b(?:support[\s-]+)?pin(?:\s+(?:code|number|no\.?))?\s*(?:is|was|=|:|#|-|lautet|ist|est|es|é|är|là|wynosi)?\s*(?:is\s+)?(?:now\s+)?(?P<secret>{_PIN_VALUE})(?![\d.,/:-]*\d)",
    re.IGNORECASE,
)
# Not when more digits follow: a phone number ("910 55 73 28", "+91 70423 18856").
_DIGITS = re.compile(
    r"(?<![#+\d\w.,/:-])(?<!\d[ .])(?P<secret>\d{5,8}|\d{2,3}(?:[ .]\d{2,3}){1,3}|\d(?:(?:\s*[.\-·•]\s*|\s)\d){3,7})(?![\d\w/:-]|[.,]\w|[ .]\d|\s*(?:rows|gb|mb|kb|%|ms|s\b|min|days?|hours?|times))",  # noqa: E501
    re.IGNORECASE,
)
# A PIN read out in words, in the customer's language, or digits and words mixed
# ("four four seven one nine", "drei, acht, null, eins", "7 девять 3 ноль 2 5").
_DIGIT_WORDS = (
    "zero|oh|one|two|three|four|five|six|seven|eight|nine"
    "|null|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun"
    "|cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve"
    "|zéro|un|deux|trois|quatre|cinq|six|sept|huit|neuf"
    "|um|dois|três|quatro|sete|oito|nove"
    "|due|tre|quattro|cinque|sei|sette|otto"
    "|nul|een|twee|drie|vijf|zes|zeven|negen"
    "|sıfır|bir|iki|üç|dört|beş|altı|yedi|sekiz|dokuz"
    "|jeden|dwa|trzy|cztery|pięć|sześć|siedem|osiem|dziewięć"
    "|nol|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan"
    "|không|một|hai|ba|bốn|năm|sáu|bảy|tám|chín"
    "|ноль|нуль|один|два|три|четыре|чотири|пять|п['’]ять|шесть|шість|семь|сім|восемь|вісім"
    "|девять|дев['’]ять"
)
_SPOKEN_DIGITS = re.compile(
    rf"(?<!\w)(?:(?:{_DIGIT_WORDS}|\d)[\s,\-]+){{3,7}}(?:{_DIGIT_WORDS}|\d)(?!\w)"
    # Chinese and Japanese digits, written together.
    r"|[零〇一二三四五六七八九]{4,8}",
    re.IGNORECASE,
)
#: How far after the word PIN a PIN-length number is still taken as the PIN.
_PIN_AFTER = 300
# Numbers that are labelled as something else: "ticket 58302", "order #12345".
_NOT_A_PIN = re.compile(
    r"\b(?:ticket|order|invoice|case|id|number|no|phone|account|reference|ref|port|error|code|line|version|build|pid|uid)\s*(?:is|was|:|#|no\.?|number)?\s*$",
    re.IGNORECASE,
)
_LABELLED_NUMBER = re.compile(
    r"\b(?:ticket|order|invoice|case|reference|ref|tracking)\s*(?:#|no\.?|nr\.?|number)(?:\s+[^\s\d]+){0,6}\s*(?:is|was|=|:)?\s*$",
    re.IGNORECASE,
)

# -- passwords ---------------------------------------------------------------------------

# The word for password in the languages customers write in (after NFKC and case folding).
_PASSWORD_WORD = (
    r"(?:passwords?|passwd|passwort|kennwort|passcode|passphrase|pass|pwd|pword|pw|p/w"
    r"|contrase[nñ]a|clave|mot\s+de\s+passe|mdp|senha|wachtwoord|parola(?:m|s[ıi]|n[ıi]z)?|has[lł]o|heslo"
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
_IS = (
    r"(?:\b(?:is|was|is\s+now|ist|es|est|c['’]est|é|è|je|är|er|là|это|هي)(?!\w)"
    r"|:|=|->|→|—|–|(?<![\w.@])-)"
)
_PASSWORD_DELIMITED = re.compile(
    rf"{_PW}{_PASSWORD_OBJECT}\s*(?:{_IS})\s*:?\s*['\"“‘«]?(?P<secret>[^\s'\"”’»]+)",
    re.IGNORECASE,
)
_PW_RE = re.compile(_PW, re.IGNORECASE)
_PASSWORD_BARE = re.compile(rf"{_PW}[ \t]+['\"“‘«]?(?P<secret>[^\s'\"”’»]+)", re.IGNORECASE)
# A configuration line that sets a password: wp-config's define('DB_PASSWORD', '...'),
# an .env line (SMTP_PASS=...), a PHP or JSON key ('password' => '...').
_CONFIG_PASSWORD = re.compile(
    r"""(?:\b\w*(?:password|passwd|pass|pwd|secret)\w*['"]?\s*(?:,|=>|=|:)\s*['"](?P<quoted>[^'"\s]{3,128})['"]"""
    # An .env, shell or YAML line (a docker-compose list item: "- MYSQL_PASSWORD=...").
    r"""|^[ \t]*(?:-[ \t]+)?(?:export[ \t]+)?(?![A-Z0-9_]*PUB)[A-Z0-9_]*(?:PASSWORD|PASSWD|PASS|PWD|SECRET|_KEY|TOKEN)[A-Z0-9_]*[ \t]*(?:=|:[ \t])[ \t]*['"]?(?P<env>[^\s'"]{3,128})"""  # noqa: E501
    # WordPress's keys and salts: define( 'AUTH_KEY', '...' ), spaces and all.
    r"""|\bdefine\(\s*['"]\w*(?:_KEY|_SALT)['"]\s*,\s*'(?P<salt>[^'\n]{8,128})'"""
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
# The word, a few words, then a colon: "şifre her zamanki: X", "hasło to: X".
_PASSWORD_WORDS_COLON = re.compile(
    rf"{_PW}(?:[ \t]+[^\s:=.,;!?()]{{1,20}}){{1,3}}[ \t]*:[ \t]*['\"“‘«]?(?P<secret>[^\s'\"”’»]+)",
    re.IGNORECASE,
)
# Told to try or use a value: "passwordnya coba pakai X", "la contraseña prueba con X",
# "for the password use the same as always, X", "she says try X".
_TRY = (
    rf"{_PW}(?:nya)?\b[^\n!?]{{0,60}}?\b(?:try|use|with|con|pakai|usa|utilise[zr]?|probeer|gebruik"
    r"|nimm|tente|essaie[zr]?)\b"
)
_VALUE = r"\s*['\"“‘«]?(?P<secret>[^\s,;'\"”’».!?]+)"
_PASSWORD_TRY = re.compile(_TRY + _VALUE, re.IGNORECASE)
# ... or after a few words and a comma: "usa pure quella solita, X".
_PASSWORD_TRY_AFTER = re.compile(_TRY + r"[^\n.!?,:]{0,40}[,:]" + _VALUE, re.IGNORECASE)
# A credentials list: "user batiksekar, password kembangmelati".
_USER_THEN_PASSWORD = re.compile(
    rf"\b(?:user(?:name)?|usuario|utilisateur|benutzer(?:name)?|login|логин|kullan[ıi]c[ıi]\s+ad[ıi])\s*:?\s*[^\s,;]+\s*[,;]?\s*{_PW}\s*:?\s*['\"“‘«]?(?P<secret>[^\s,;'\"”’»]+)",
    re.IGNORECASE,
)
# Described first, then given after a comma: "the password is the usual one, hagelslag",
# "the password is just our street and house number, birchwood14".
_PASSWORD_DESCRIBED = re.compile(
    rf"{_PW}{_PASSWORD_OBJECT}\s*(?:{_IS})[^\n.!?,]{{1,80}},\s*['\"“‘«]?(?P<secret>[^\s,;'\"”’».!?]+)",
    re.IGNORECASE,
)
# Asked for in a question, given alone on the next line (a chat or phone call retold).
_PASSWORD_NEXT_LINE = re.compile(
    rf"{_PW}[^\n]{{0,80}}[?？]\s*\n[ \t]*(?P<secret>[^\s]{{6,64}})[ \t]*(?:\n|$)", re.IGNORECASE
)
# Once a text has given a password away, it is a list of credentials: the other values
# after the word ("... password burungmerpati") or a "try" are taken more readily.
_MORE_PASSWORDS = re.compile(
    rf"{_PW}\s*[:=—–-]?\s*['\"“‘«]?(?P<secret>[^\s,;'\"”’»]+)"
    r"|\b(?:try|coba|prueba|probeer|essaie|tente|versuch\w*)\s+(?:(?:with|con|pakai|mit|avec|com)\s+)?"
    r"['\"“‘«]?(?P<tried>[^\s,;'\"”’».!?]+)",
    re.IGNORECASE,
)
# An htpasswd line: the user and a password hash (Apache's apr1, bcrypt, crypt).
_HTPASSWD = re.compile(
    r"^[ \t]*[\w.@-]+:(?P<secret>\$(?:apr1|2[aby]|1|5|6)\$[./\w$]{8,})", re.MULTILINE
)
_URL_CREDENTIALS = re.compile(
    r"\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:(?P<secret>[^\s@/]+)@", re.IGNORECASE
)
_LOGIN_PAIR = re.compile(
    r"\b(?:login|log-in|credentials|admin(?:istrator)?|username\s+and\s+password|user\s*/\s*pass(?:word)?)\b[^.\n]{0,40}?(?:\bis\b|:)\s*[^\s/]+\s*(?:/|:|,|\s+and\s+)\s*(?P<secret>[^\s]+)",
    re.IGNORECASE,
)
# A panel's name, then "user / password" (a signature: "WHM: daveit / BlueHeron7"): the
# value must look like a password, not a menu path ("cPanel: Email / Forwarders").
_PANEL_PAIR = re.compile(
    r"\b(?:whm|cpanel|webmail|ftp|sftp|wp-admin|wordpress)\b[^\n:]{0,40}:\s*[^\s/]+\s*/\s*(?P<secret>[^\s/]+)(?:\s|$)",
    re.IGNORECASE,
)
# Any label, then "user / password" on one line ("Panel admina: admin / Sztorm#Baltyk9"):
# only a value that reads as a password wherever it stands.
_LABELLED_PAIR = re.compile(
    r"(?:^|(?<=[.!?] ))[^\n:.!?]{1,40}:[ \t]*[^\s/:]+[ \t]*/[ \t]*"
    r"(?P<secret>[^\s/]+?)[.,;]?(?=\s|$)",
    re.MULTILINE,
)
# A passphrase announced as one, after a colon at the end of the line: "my password is a
# little phrase: quatre chats bleus", "three words with dashes between: velvet-otter-canyon".
_PASSPHRASE_ANNOUNCED = re.compile(
    rf"(?:{_PW}|log\s*-?in\b)[^\n]{{0,160}}?\b(?:phrase|passphrase|words|mots|palabras|palavras"
    r"|w[öo]rter|woorden|s[łl]owa|parole|kelime\w*|слов\w*)\b[^\n:]{0,80}:[ \t]*"
    r"(?P<secret>[^\s:][^\n:]{2,60}?)[ \t]*(?:\n|$)",
    re.IGNORECASE,
)
_LOGIN_WORD = re.compile(r"\blog\s*-?in\b", re.IGNORECASE)
# A password spelled out, as read over the phone: NATO words, "capital T", single letters,
# digits and symbols named ("Papa Romeo India Seven Seven Hotel", "capital T, i, d, e,
# hash, 8, 8"). Taken after a credential word only.
_NATO = (
    "alfa|alpha|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliett?|kilo|lima|mike"
    "|november|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiske?y|x-?ray|yankee|zulu"
)
_SPELLED_ITEM = (
    rf"(?:(?:capital|upper(?:\s*case)?|lower(?:\s*case)?|small|big)\s+)?(?:{_NATO}|[a-z0-9])"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|hash|dash|hyphen|underscore|dot"
    r"|star|asterisk|dollar|percent|plus|slash|at(?:\s+sign)?|exclamation(?:\s+mark)?"
)
_SPELLED = re.compile(
    rf"(?<![\w-])(?:(?:{_SPELLED_ITEM})[ \t]*[,\-]?[ \t]+){{4,30}}(?:{_SPELLED_ITEM})(?![\w-])",
    re.IGNORECASE,
)
_SPELLED_LETTER = re.compile(
    rf"\b(?:{_NATO}|capital|upper|lower|small|big)\b|(?<!\w)[a-z](?!\w)", re.IGNORECASE
)
# A token written in groups of four, as cPanel shows its API tokens (32 characters).
_GROUPED_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?P<secret>[A-Z0-9]{4}(?:[ -][A-Z0-9]{4}){7})(?![A-Za-z0-9]|[ -][A-Z0-9])"
)
# A table whose header names a password column (Markdown, CSV, tab- or semicolon-
# separated): the cells of that column in the rows below it.
_TABLE_SEPARATORS = ("|", "\t", ";", ",")

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
# A value named for what it is, right before it: a form's CSRF token, a log's request,
# session or unique id ([unique_id "aFD0z..."], name="_token" value="...", session=<...>).
_NAMED_ID = re.compile(
    r"(?:csrf\w*|xsrf\w*|nonce|_token|authenticity_token|unique_id|request[_-]?id|session(?:[_-]?id)?"
    r"|ray[_-]?id|trace[_-]?id|message[_-]?id|msgid)['\"]?\s*(?:value\s*)?[=:]?\s*['\"<\[]?\s*$",
    re.IGNORECASE,
)
# How far after a credential word a password-like value is still taken as its value.
_CONTEXT_AFTER = 240
_CONTEXT_BEFORE = 60
_TOKEN = re.compile(r"[^\s()\[\]{}<>,;\"'“”‘’«»\\&]+")

# Error messages and prose that mention a password without giving one.
_MENTION_ONLY = re.compile(
    r"\(using\s+password:\s*(?:yes|no)\)|password\s*:\s*(?:yes|no)\b"
    # A mail server's log line: "imap-login: Login: user=<...>, session=<...>".
    r"|\b(?:imap|pop3|submission|managesieve|lmtp)-login:\s*(?:login|disconnected|aborted)\b",
    re.IGNORECASE,
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
    provided unchanged forgotten lost unknown kept given shown known written stolen broken
    taken chosen told held
    strength complexity requirements protection recovery reminder hint prompts dialog
    window expiry expires expiration rules rule length characters entered typed
    incorrecta incorrecto falsch faux errado onjuist неверный
    just simply only basically literally une un le la les el los las ein eine der die das
    uma um een het
    """.split()
)
_MASKED = re.compile(
    r"^[*•●◦∙·⚫xX#._\-]{3,}(?:$|&)|^\[?(?:redacted|hidden|removed)\]?$|^<[^>]*>$"
    # Placeholders of sample files and manuals: password_here, YOUR_PASSWORD, changeme.
    r"|^(?:\w*_here|your[_-]?\w+|changeme|example\w*|x{3,}|\.\.\.)$"
    # A name in capitals and underscores: JOUW_WACHTWOORD, VOTRE_MOT_DE_PASSE.
    r"|^(?-i:[A-Z]+(?:_[A-Z]+)+)$",
    re.IGNORECASE,
)
_KEY_VALUE = re.compile(r"^[A-Za-z_][\w.-]*[=:]")
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\.?$")
# An address without a dot in its domain ("mary.hopkins@somewhere"), all lower case.
_ADDRESS = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?$")
# A date as logs print it: 14-May-2024, 2024-05-14, 14/05/2024.
_DATEISH = re.compile(
    r"^\[?\d{1,4}[-/.](?:\d{1,2}|[A-Za-z]{3,9})[-/.]\d{2,4}\]?$"
    # An ISO 8601 timestamp as CI and API logs print it: 2025-06-20T14:02:00.0000000Z.
    r"|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
# A name and "=" with nothing after it: an XML attribute (encoding="..."), an empty field.
_EMPTY_ASSIGNMENT = re.compile(r"^[A-Za-z_]+=$")
_CODE_CALL = re.compile(r"[A-Za-z_]{3,}\(")
_REPLY_LINE = re.compile(r"^\d{3}-[A-Za-z]")
# A hexadecimal code as programs print their errors: 0x800CCC92.
_HEX_CODE = re.compile(r"^0x[0-9a-f]+$", re.IGNORECASE)
_SHORTCUT = re.compile(
    r"^(?:ctrl|control|cmd|command|alt|option|shift|strg|win|super)\+", re.IGNORECASE
)
_VERSIONISH = re.compile(r"^\d+(?:\.\d+)+$|^v?\d+(?:\.\d+){1,3}[a-z]?$", re.IGNORECASE)


# Names of programs and services customers mention next to their password ("I use
# Roundcube"): never taken for a password someone was told to try.
_PRODUCT_NAMES = frozenset(
    """
    roundcube squirrelmail horde thunderbird outlook filezilla cyberduck winscp putty
    cloudflare wordpress woocommerce joomla drupal magento prestashop opencart softaculous
    phpmyadmin cpanel webmail spamassassin letsencrypt autossl imunify cloudlinux litespeed
    elementor gutenberg jetpack wordfence updraftplus mailchimp sendgrid mailgun gmail
    hotmail icloud office365 microsoft android samsung iphone chrome firefox safari
    1password lastpass bitwarden keepass keepassxc dashlane
    """.split()
) | {"vxnlcm5hbwu6", "ugfzc3dvcmq6"}  # SMTP AUTH LOGIN's base64 "Username:", "Password:"


def _looks_like_word(token: str) -> bool:
    return token.isalpha() and token.lower() == token and len(token) < 14


def _strip(token: str, *, delimited: bool) -> str:
    return token.rstrip(".,;)") if delimited else token.rstrip(".,;:!?)")


# The checks of one token are pure, and cached: a long text (or a hostile one) repeats its
# tokens, and the context windows of its credential words overlap.
@functools.lru_cache(maxsize=8192)
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
        or _CODE_CALL.search(token)  # code: trim(file_get_contents(...))
        or _REPLY_LINE.match(token)  # a server's reply line: 220-This server ...
        or token.lower() in _PRODUCT_NAMES
        or token.startswith(("/", "~", "$", "%", "(", "[", "--", "&", "?", "#"))
        or _SHORTCUT.match(token)
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


@functools.lru_cache(maxsize=8192)
def _is_password_like(token: str) -> bool:
    """A token that reads as a password wherever it stands near a credential word:
    letters with digits and with case or symbols mixed (``Bluefin2024``, ``Choir!2023``),
    or all four classes."""
    token = token.rstrip(".,;:?)")
    if not 6 <= len(token) <= 64 or not _is_value(token) or "/" in token:
        return False
    if token.rstrip("!").isalpha():
        return False  # "Danke!": a word and its exclamation mark
    if any(c in "「」『』、。，：；（）！？" for c in token):
        return False  # a run of Japanese or Chinese prose, not one value
    lower = any(c.islower() for c in token)
    upper = any(c.isupper() for c in token)
    digit = any(c.isdigit() for c in token)
    symbol = any(not c.isalnum() and c not in "_-." for c in token)
    if not (lower or upper) or not (digit or symbol):
        return False
    return lower + upper + digit + symbol >= 3


@functools.lru_cache(maxsize=8192)
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


def warm_secret_detector() -> None:
    """Load the word list the detector reads (about 0.4 s) before the first text needs it."""
    english_frequencies()


@functools.lru_cache(maxsize=8192)
def _is_tried_value(token: str) -> bool:
    """A value a customer was told to try or use as the password: password-like, letters
    with digits, or one long word that is no English word nor a program's name (words
    run together: ``kucingorenlucu``, ``MisterWhiskers``, ``калиновийміст``)."""
    token = _strip(token, delimited=False)
    if not _is_value(token):
        return False
    if _is_password_like(token) or _is_plain_password(token):
        return True
    lower = token.lower()
    return (
        token.isalpha()
        and len(token) >= 8
        and lower not in _NOT_SECRETS
        and lower not in _PRODUCT_NAMES
        and lower not in english_frequencies()
    )


def _followed_by_host(text: str, end: int) -> bool:
    """``'app'@'localhost'``, ``user@host``: the token names a user, not a secret."""
    return text[end : end + 2].lstrip("'\"").startswith("@")


def _card_in(run: str) -> str | None:
    """The longest leading groups of a digit run that make a card number (13 to 19
    digits passing the Luhn check), or None."""
    # 19 digits at most: no more than its first 19 groups (and the separators between
    # them) can be part of a card, however long the run.
    groups = re.split(r"([ -])", run, maxsplit=19)[:37]
    for end in range(len(groups), 0, -2):
        candidate = "".join(groups[:end])
        digits = candidate.replace(" ", "").replace("-", "")
        if 13 <= len(digits) <= 19 and _luhn(digits):
            return candidate
    return None


# After a card number, on its line or the next: the expiry and the security code.
_CARD_EXTRA = re.compile(r"(?<![\d/])(?:\d{1,2}\s*/\s*\d{2,4}|\d{3,4})(?![\d/])")


def _card_details_end(norm: str, end: int) -> int:
    """Where a card's details end: its expiry and security code, written after the number
    on its line or the next, are part of the one disclosure."""
    stop = norm.find("\n\n", end)
    window_end = min(end + 80, len(norm) if stop < 0 else stop)
    for m in _CARD_EXTRA.finditer(norm, end, window_end):
        end = m.end()
    return end


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


def _table_cells(text: str, at_words: list[int]) -> Iterator[tuple[int, int]]:
    """(start, end) of each cell under a table header that names a password column
    (``at_words``: where the word password stands)."""
    if not at_words:
        return
    lines = text.split("\n")
    offsets = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    headers = sorted({bisect.bisect_right(offsets, w) - 1 for w in at_words})
    for i in headers:
        header = lines[i]
        sep = next((c for c in _TABLE_SEPARATORS if header.count(c) >= 2), None)
        if sep is None:
            continue
        names = [c.strip().strip("*_`") for c in header.split(sep)]
        column = next((k for k, c in enumerate(names) if _PW_RE.fullmatch(c)), None)
        if column is None:
            continue
        for j in range(i + 1, min(len(lines), i + 200)):
            row = lines[j]
            cells = row.split(sep)
            if len(cells) != len(names):
                break
            if set(row.strip()) <= set("|-: +"):
                continue  # a Markdown table's rule line
            position = offsets[j] + sum(len(c) + 1 for c in cells[:column])
            cell = cells[column]
            value = cell.strip()
            if value and _is_value(value.split()[0]) and value.lower() not in _NOT_SECRETS:
                start = position + (len(cell) - len(cell.lstrip()))
                yield start, start + len(value)


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

    for m in _HTPASSWD.finditer(norm):
        add("password", m.start("secret"), m.end("secret"))
    for m in _URL_CREDENTIALS.finditer(norm):
        if _is_value(m.group("secret")):  # not "${DB_PASS}"
            add("password", m.start("secret"), m.end("secret"))
    for m in _COMMAND_CREDENTIALS.finditer(norm):
        group = m.lastindex or 0  # the alternative that matched holds the value
        if _is_value(m.group(group)):
            add("password", m.start(group), m.end(group))
    for m in _CONFIG_PASSWORD.finditer(norm):
        group = m.lastindex or 0
        if _is_value(m.group(group)) and not mention(m.start()):
            add("password", m.start(group), m.end(group))
    # Where the word password stands (in any language): the patterns that begin with it
    # are tried there only, not at every character of a long text.
    at_words = [m.start() for m in _PW_RE.finditer(norm)]

    def after_words(pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        for start in at_words:
            m = pattern.match(norm, start)
            if m is not None:
                yield m

    for m in after_words(_QUOTED_PASSPHRASE):
        group = m.lastindex or 0
        value = m.group(group)
        # Several words: a passphrase. One word goes through the checks below.
        if " " in value.strip() and not mention(m.start()):
            words_in = value.split()
            if not all(w.lower().strip(".,!?") in _NOT_SECRETS for w in words_in):
                add("password", m.start(group), m.end(group))
    for pattern, delimited in ((_PASSWORD_DELIMITED, True), (_PASSWORD_BARE, False)):
        for m in after_words(pattern):
            value = m.group("secret")
            if mention(m.start()) or _followed_by_host(norm, m.end("secret")):
                continue
            if _is_secretish(value, delimited=delimited):
                end = m.start("secret") + len(_strip(value, delimited=delimited))
                add("password", m.start("secret"), end)
    for m in _LOGIN_PAIR.finditer(norm):
        if not mention(m.start()) and _is_secretish(m.group("secret"), delimited=True):
            add("password", m.start("secret"), m.end("secret"))
    for m in _PANEL_PAIR.finditer(norm):
        if _is_secretish(m.group("secret"), delimited=False):
            add("password", m.start("secret"), m.end("secret"))
    for m in _LABELLED_PAIR.finditer(norm):
        if _is_password_like(m.group("secret")) and not mention(m.start()):
            add("password", m.start("secret"), m.end("secret"))
    logins = [m.start() for m in _LOGIN_WORD.finditer(norm)]
    for start in sorted({*at_words, *logins}):
        phrase = _PASSPHRASE_ANNOUNCED.match(norm, start)
        if phrase is None or mention(start):
            continue
        if _is_value(phrase.group("secret").split()[0].strip(".,!?")):
            add("password", phrase.start("secret"), phrase.end("secret"))
    for m in _GROUPED_TOKEN.finditer(norm):
        joined = re.sub(r"[ -]", "", m.group("secret"))
        if any(c.isdigit() for c in joined) and re.search(r"[G-Z]", joined):
            add("api_token", m.start("secret"), m.end("secret"))
    for start, end in _table_cells(norm, at_words):
        add("password", start, end)
    tried = (
        _PASSWORD_WORDS_COLON,
        _PASSWORD_TRY,
        _PASSWORD_TRY_AFTER,
        _PASSWORD_NEXT_LINE,
        _PASSWORD_DESCRIBED,
    )
    listed = _USER_THEN_PASSWORD.finditer(norm) if at_words else iter(())

    def add_tried(m: re.Match[str], group: str) -> None:
        value = m.group(group)
        if not mention(m.start()) and not _KEY_VALUE.match(value) and _is_tried_value(value):
            add("password", m.start(group), m.start(group) + len(_strip(value, delimited=False)))

    for m in itertools.chain(*(after_words(p) for p in tried), listed):
        add_tried(m, "secret")
    if any(f.type == "password" for f in found):
        for m in _MORE_PASSWORDS.finditer(norm):
            add_tried(m, "secret" if m.group("secret") is not None else "tried")
    for context in _CREDENTIAL_CONTEXT.finditer(norm):
        if mention(context.start()):
            continue
        window_start = max(0, context.start() - _CONTEXT_BEFORE)
        while window_start > 0 and not norm[window_start - 1].isspace():
            window_start -= 1  # a whole token, never the tail of one (a public key's)
        window_end = min(len(norm), context.end() + _CONTEXT_AFTER)
        while window_end < len(norm) and not norm[window_end].isspace():
            window_end += 1  # nor the head of one ("[15-Mar" of a log's date)
        password_word = _PW_RE.fullmatch(context.group(0)) is not None
        for m in _TOKEN.finditer(norm, window_start, window_end):
            token = m.group(0)
            if not (
                _is_password_like(token)
                or (
                    password_word
                    and m.start() >= context.end()
                    and _is_plain_password(token)
                    and _INTRODUCED.search(norm, max(0, m.start() - 30), m.start())
                )
            ):
                continue
            if _KEY_VALUE.match(token):
                continue  # "plan=Basic" in a pasted request: a field, not a secret
            if _NAMED_ID.search(norm, max(0, m.start() - 24), m.start()):
                continue  # a CSRF token, a request or session id: named for what it is
            if not _followed_by_host(norm, m.end()):
                add("password", m.start(), m.start() + len(token.rstrip(".,;:?)")))

    spelled_from = -1
    for word in at_words:
        # A spelled password starts within the context after the word.
        for head in _SPELLED.finditer(norm, max(word, spelled_from), word + _CONTEXT_AFTER):
            spelled = _SPELLED.match(norm, head.start())  # the whole run, past the window
            if spelled is None:
                continue
            spelled_from = spelled.end()
            if len(_SPELLED_LETTER.findall(spelled.group(0))) >= 3:
                add("password", spelled.start(), spelled.end())
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
            before = window[: m.start("secret")]
            if _NOT_A_PIN.search(before) or _LABELLED_NUMBER.search(before[-80:]):
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
                add("card_number", m.start(), _card_details_end(norm, m.start() + len(card)))
        # Printed in a card's groups with its expiry or security code next to it: a card
        # even when a digit is mistyped and the checksum fails.
        if (
            _CARD_GROUPED.match(run)
            and len(set(run)) > 3
            and _CARD_DETAILS.search(norm, m.end(), m.end() + 40)
        ):
            add("card_number", m.start(), m.end())

    for start, end in _list_siblings(norm, [f for f in found if f.type == "password"]):
        add("password", start, end)
    # A password given twice ("same as the email one, rainyafternoon"): every copy.
    given = {norm[f.start : f.end] for f in found if f.type == "password" and origin is None}
    given = {v for v in given if len(v) >= 6 and not any(c.isspace() for c in v)}
    if given:
        for m in _TOKEN.finditer(norm):
            token = m.group(0).rstrip(".,;:?!)")
            if token in given:
                add("password", m.start(), m.start() + len(token))

    found.sort(key=lambda f: f.start)
    return found


# A line of a credentials list: "2. tuinhuis-devries   -   sunflower tractor",
# "Webmail: ann / Copper!Finch39": a name, a separator, the value to the end of the line.
_LIST_LINE = re.compile(
    r"(?P<head>[^\n]*?\S)(?P<sep>[ \t]+[-–—/|:][ \t]+|\t+)(?P<value>\S[^\n]{0,60}?)[ \t]*$"
)


_LIST_LINE_MAX = 160


def _list_siblings(text: str, passwords: list[SecretFinding]) -> Iterator[tuple[int, int]]:
    """The values of the lines next to a password that ends a list line: the same list's
    other credentials, even when they read as ordinary words ("sunflower tractor")."""
    for f in passwords:
        line_start = text.rfind("\n", 0, f.start) + 1
        line_end = text.find("\n", f.end)
        line_end = len(text) if line_end < 0 else line_end
        if line_end - line_start > _LIST_LINE_MAX:
            continue  # prose, not a line of a list
        m = _LIST_LINE.match(text, line_start, line_end)
        if m is None or m.start("value") != f.start:
            continue
        sep = m.group("sep").strip() or "\t"
        for step in (-1, 1):
            start, end = line_start, line_end
            while True:
                if step < 0:
                    if start == 0:
                        break
                    end = start - 1
                    start = text.rfind("\n", 0, end) + 1
                else:
                    if end >= len(text):
                        break
                    start = end + 1
                    end = text.find("\n", start)
                    end = len(text) if end < 0 else end
                short = end - start <= _LIST_LINE_MAX
                sibling = _LIST_LINE.match(text, start, end) if short else None
                if sibling is None or (sibling.group("sep").strip() or "\t") != sep:
                    break
                value = sibling.group("value")
                if _is_value(value.split()[0]) and value.lower() not in _NOT_SECRETS:
                    yield sibling.start("value"), sibling.end("value")


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

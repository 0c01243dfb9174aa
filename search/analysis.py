"""Text analysis shared by indexing and querying.

One pipeline turns article text and query text into index terms:

1. **Tokenizing** keeps identifiers whole *and* split: ``php.ini`` gives ``php.ini``,
   ``php`` and ``ini``; ``ERR_TOO_MANY_REDIRECTS`` gives the whole code and its words;
   ``5.1.1`` and ``5.7.26`` stay whole (their parts mean nothing alone); ``e-mail``
   gives ``email`` as well as ``e`` and ``mail``; ``#1045`` gives ``1045``.
2. **Folding**: lower case, accents removed (``café`` -> ``cafe``), apostrophes dropped
   (``don't`` -> ``dont``, ``Let's`` -> ``let``).
3. **Stemming** (Porter2) of words; identifiers and numbers are kept as they are.
4. **Synonyms** (``synonyms.yml``): a phrase of a synonym group adds the group's term
   (``syn:bounce``) at its position, in articles and queries alike, so any phrase of the
   group finds articles that use any other. Phrases are matched on stems, stop words
   included ("mail comes back" matches "mails coming back"); between two of a phrase's
   words the text may have up to two glue words, auxiliaries and determiners
   (:data:`GLUE_WORDS`: "site *is* down" matches "site down"), never a negation.
5. **Stop words** (``stopwords.txt``) are dropped after synonym matching.

The data files are read once per process. :data:`ANALYSIS_FINGERPRINT` changes whenever
they or this pipeline change; an index built with another fingerprint is rebuilt rather
than reused.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from whoosh.analysis import Token, Tokenizer  # type: ignore[import-untyped]
from whoosh.lang.porter2 import stem as _porter2  # type: ignore[import-untyped]

__all__ = [
    "ANALYSIS_FINGERPRINT",
    "AnalyzedToken",
    "KbTokenizer",
    "SynonymGroup",
    "TermKind",
    "analyze",
    "fold",
    "index_terms",
    "load_filler_words",
    "load_stop_words",
    "load_synonyms",
    "pair_terms",
    "words",
]

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent
SYNONYMS_FILE = DATA_DIR / "synonyms.yml"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"
FILLER_WORDS_FILE = DATA_DIR / "filler_words.txt"
WORD_FORMS_FILE = DATA_DIR / "word_forms.txt"

#: Bumped by hand when the pipeline's code or what it indexes changes meaning.
PIPELINE_VERSION = "7"

#: Words a synonym phrase may step over in the text: auxiliaries and determiners, all of
#: them stop words. Never a negation. At most :data:`MAX_GLUE` between two phrase words.
GLUE_WORDS = frozenset(
    "is are was were be been being am has have had it its the a an my our your their this".split()
)
MAX_GLUE = 2

#: Prefix of synonym-group terms. No token can contain ``:``, so they never collide.
SYN_PREFIX = "syn:"
#: Prefix of word-pair terms (:func:`pair_terms`).
PAIR_PREFIX = "pair:"

# A run of word characters, optionally joined to more runs by . _ - @ or an apostrophe:
# "php.ini", "wp-config.php", "user@example.com", "5.7.26", "don't".
_TOKEN_RE = re.compile(r"\w+(?:[.\-@'\u2019]\w+)*")
_JOINERS_RE = re.compile(r"[._\-@]+")
_APOSTROPHE_S_RE = re.compile(r"['\u2019]s$")
_PLACEHOLDER_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)

#: Tokens longer than this are noise (hashes, base64): dropped.
MAX_TOKEN_CHARS = 64


class TermKind(StrEnum):
    """What an index term stands for."""

    WORD = "word"
    """A stemmed word, also each part of an identifier."""
    EXACT = "exact"
    """A whole identifier or code, unstemmed: ``php.ini``, ``5.7.26``."""
    SYNONYM = "syn"
    """A synonym group, e.g. ``syn:bounce``."""


@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One index term produced from a piece of text."""

    term: str
    kind: TermKind
    pos: int
    """Word position; parts of an identifier share the position of their whole."""
    start: int
    """Character span in the analyzed text (a synonym spans its whole phrase)."""
    end: int
    surface: str = ""
    """The folded, unstemmed word (words only): what spelling correction works on."""


@dataclass(frozen=True)
class SynonymGroup:
    """One line of ``synonyms.yml``."""

    term: str
    """The index term standing for the group, ``syn:`` + the first phrase's stems."""
    phrases: tuple[str, ...]
    """The phrases as the authors wrote them."""
    stems: tuple[tuple[str, ...], ...]
    """Each phrase analyzed to its sequence of stems (stop words kept)."""


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents: ``Café`` -> ``cafe``."""
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter2 stem of an alphabetic ``word``; anything with a digit is left alone."""
    if len(word) < 3 or not word.isalpha():
        return word
    return str(_porter2(_word_forms().get(word, word)))


@functools.cache
def _word_forms() -> dict[str, str]:
    """Irregular form -> base form, from :data:`WORD_FORMS_FILE`."""
    forms: dict[str, str] = {}
    for line in WORD_FORMS_FILE.read_text(encoding="utf-8").splitlines():
        base, *others = line.split("#", 1)[0].split() or [""]
        for other in others:
            forms[fold(other)] = fold(base)
    return forms


def _read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def _word_list(path: Path) -> frozenset[str]:
    found: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        for word in line.split("#", 1)[0].split():
            found.add(fold(word).replace("'", "").replace("\u2019", ""))
    return frozenset(found)


@functools.cache
def load_stop_words() -> frozenset[str]:
    """Words dropped from articles and queries (``stopwords.txt``)."""
    return _word_list(STOPWORDS_FILE)


@functools.cache
def _glue_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in GLUE_WORDS)


@functools.cache
def load_filler_words() -> frozenset[str]:
    """Words weighed down in long queries (``filler_words.txt``)."""
    return _word_list(FILLER_WORDS_FILE)


@functools.cache
def load_synonyms() -> tuple[SynonymGroup, ...]:
    """The synonym groups of ``synonyms.yml``, analyzed.

    Raises :class:`ValueError` naming every malformed group at once.
    """
    raw = _read_yaml(SYNONYMS_FILE).get("groups") or []
    problems: list[str] = []
    groups: list[SynonymGroup] = []
    seen_terms: set[str] = set()
    if not isinstance(raw, list):
        raise ValueError(f"{SYNONYMS_FILE}: 'groups': expected a list of lists, got {raw!r}")
    for number, group in enumerate(raw, start=1):
        if not isinstance(group, list) or len(group) < 2:
            problems.append(
                f"group {number}: expected a list of at least two phrases, got {group!r}"
            )
            continue
        phrases = tuple(str(p) for p in group)
        stems = tuple(s for s in (_phrase_stems(p) for p in phrases) if s)
        if len(stems) < len(phrases):
            problems.append(f"group {number}: a phrase has no words in it: {group!r}")
            continue
        term = SYN_PREFIX + "_".join(stems[0])
        if term in seen_terms:
            term = f"{term}_{number}"
        seen_terms.add(term)
        groups.append(SynonymGroup(term=term, phrases=phrases, stems=stems))
    if problems:
        raise ValueError(f"{SYNONYMS_FILE}: " + "; ".join(problems))
    return tuple(groups)


@functools.cache
def _synonym_index() -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """First stem -> ((phrase stems, group term), ...), longest phrases first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for group in load_synonyms():
        for phrase in group.stems:
            index.setdefault(phrase[0], []).append((phrase, group.term))
    return {k: tuple(sorted(set(v), key=lambda p: -len(p[0]))) for k, v in index.items()}


@functools.cache
def analysis_fingerprint() -> str:
    """A hash of the pipeline version and its data files."""
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in (SYNONYMS_FILE, STOPWORDS_FILE, WORD_FORMS_FILE):  # filler words: query-only
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


ANALYSIS_FINGERPRINT = analysis_fingerprint()


class _Word(NamedTuple):
    """A word of the sequence synonyms are matched on (stop words included)."""

    stem: str
    surface: str
    pos: int
    start: int
    end: int
    stop: bool


class _Raw(NamedTuple):
    """How one regex match is analyzed; cached, since words repeat a lot."""

    exact: str | None
    """The whole identifier or code, if it is one."""
    parts: tuple[tuple[str, str, bool], ...]
    """(surface, stem, is stop word or too short) of each word in it."""
    joined: tuple[str, str] | None
    """(surface, stem) of a hyphenated word written as one: "e-mail" -> "email"."""


@functools.lru_cache(maxsize=500_000)
def _analyze_raw(raw: str) -> _Raw:
    folded = fold(raw)
    folded = _APOSTROPHE_S_RE.sub("", folded).replace("'", "").replace("\u2019", "")
    stop = load_stop_words()

    def part(p: str) -> tuple[str, str, bool]:
        return (p, stem(p), p in stop or len(p) < 2)

    if not _JOINERS_RE.search(folded):
        return _Raw(None, (part(folded),), None)
    parts = [p for p in _JOINERS_RE.split(folded) if p]
    if all(p.isdigit() for p in parts):
        # Status codes, versions, IP addresses: only the whole means something.
        return _Raw(folded, (), None)
    if "-" in folded and not re.search(r"[._@]", folded) and all(p.isalpha() for p in parts):
        # "e-mail", "add-on", "auto-responder": the joined word is what people also type.
        joined = "".join(parts)
        return _Raw(None, tuple(part(p) for p in parts), (joined, stem(joined)))
    return _Raw(folded, tuple(part(p) for p in parts), None)


def _word_sequence(text: str) -> tuple[list[_Word], list[AnalyzedToken]]:
    """Tokenize ``text`` into the word sequence and the exact/joined extra tokens."""
    seq: list[_Word] = []
    extra: list[AnalyzedToken] = []
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        if len(raw) > MAX_TOKEN_CHARS:
            continue
        a = _analyze_raw(raw)
        start, end = m.span()
        if a.exact is not None:
            extra.append(AnalyzedToken(a.exact, TermKind.EXACT, pos, start, end))
        if a.joined is not None:
            extra.append(AnalyzedToken(a.joined[1], TermKind.WORD, pos, start, end, a.joined[0]))
        if not a.parts:
            pos += 1
            continue
        for surface, stemmed, stop in a.parts:
            seq.append(_Word(stemmed, surface, pos, start, end, stop))
            pos += 1
    return seq, extra


def analyze(text: str, *, synonyms: bool = True) -> list[AnalyzedToken]:
    """Analyze ``text`` into index terms, in text order, with positions and spans.

    The same pipeline serves articles and queries, so both sides always agree.
    Template placeholders (``{{ extra.company }}``) are ignored.
    """
    if "{" in text:
        text = _PLACEHOLDER_RE.sub(" ", text)
    seq, extra = _word_sequence(text)
    out: list[AnalyzedToken] = list(extra)
    for w in seq:
        if not w.stop:
            out.append(AnalyzedToken(w.stem, TermKind.WORD, w.pos, w.start, w.end, w.surface))
    if synonyms:
        out.extend(_synonym_tokens(seq))
    out.sort(key=lambda t: (t.pos, t.start))
    return out


def index_terms(text: str) -> tuple[list[str], set[str]]:
    """The index terms of ``text`` (as :func:`analyze` gives them, without positions)
    and its vocabulary of unstemmed words. The fast path for indexing articles."""
    if "{" in text:
        text = _PLACEHOLDER_RE.sub(" ", text)
    terms: list[str] = []
    stems: list[str] = []
    vocabulary: set[str] = set()
    for raw in _TOKEN_RE.findall(text):
        if len(raw) > MAX_TOKEN_CHARS:
            continue
        raw_terms, raw_stems, raw_words = _index_raw(raw)
        terms.extend(raw_terms)
        stems.extend(raw_stems)
        vocabulary.update(raw_words)
    for term, _, _ in _synonym_spans(stems):
        terms.append(term)
    return terms, vocabulary


@functools.lru_cache(maxsize=500_000)
def _index_raw(raw: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(index terms, stems for synonym matching, vocabulary words) of one match."""
    a = _analyze_raw(raw)
    terms: list[str] = []
    words: list[str] = []
    if a.exact is not None:
        terms.append(a.exact)
    if a.joined is not None:
        terms.append(a.joined[1])
        words.append(a.joined[0])
    for surface, stemmed, stop in a.parts:
        if not stop:
            terms.append(stemmed)
            words.append(surface)
    return tuple(terms), tuple(p[1] for p in a.parts), tuple(words)


def _synonym_spans(stems: Sequence[str]) -> Iterator[tuple[str, int, int]]:
    """(group term, first, last index) of each synonym phrase in ``stems``.

    Longest phrase first at each position; a group is not repeated inside its own span
    ("err too many redirects" does not count again as "too many redirects").
    """
    index = _synonym_index()
    n = len(stems)
    covered: dict[str, int] = {}
    for i, first in enumerate(stems):
        candidates = index.get(first)
        if not candidates:
            continue
        for phrase, term in candidates:
            if i < covered.get(term, 0) or i + len(phrase) > n:
                continue
            end = _phrase_end(stems, i, phrase)
            if end is not None:
                covered[term] = end + 1
                yield term, i, end


def _phrase_end(stems: Sequence[str], i: int, phrase: tuple[str, ...]) -> int | None:
    """The index of the last word of ``phrase`` matched at ``stems[i]``, or None.

    Between two words of the phrase the text may have up to :data:`MAX_GLUE` glue words
    (:data:`GLUE_WORDS`: "site *is* down", "mail *is* coming back"); never a negation,
    which is no glue word ("site down" does not match "site not down")."""
    glue = _glue_stems()
    j = i
    for k, want in enumerate(phrase):
        if k:
            j += 1
            skipped = 0
            while j < len(stems) and stems[j] != want and stems[j] in glue and skipped < MAX_GLUE:
                j += 1
                skipped += 1
        if j >= len(stems) or stems[j] != want:
            return None
    return j


def _synonym_tokens(seq: Sequence[_Word]) -> Iterator[AnalyzedToken]:
    for term, i, j in _synonym_spans([w.stem for w in seq]):
        yield AnalyzedToken(term, TermKind.SYNONYM, seq[i].pos, seq[i].start, seq[j].end)


def pair_terms(text: str) -> list[str]:
    """One term for each two neighbouring words of each line of ``text`` (stop words
    skipped): ``pair:get_email`` for "not getting emails".

    An article's keywords and questions say things in its customers' words; a query
    that says two of them in the same order is closer to that phrase than one that
    only shares the words ("not getting emails" against "getting more space, emails
    older than a year"). Lines are kept apart: the last word of one keyword and the
    first of the next are no pair.
    """
    if "{" in text:
        text = _PLACEHOLDER_RE.sub(" ", text)
    out: list[str] = []
    for line in text.splitlines():
        seq, _ = _word_sequence(line)
        stems = [w.stem for w in seq if not w.stop]
        out.extend(f"{PAIR_PREFIX}{a}_{b}" for a, b in itertools.pairwise(stems) if a != b)
    return out


def words(text: str) -> list[str]:
    """The folded, unstemmed words of ``text`` that are not stop words (for spelling)."""
    seq, _ = _word_sequence(text)
    return [w.surface for w in seq if not w.stop]


def _phrase_stems(phrase: str) -> tuple[str, ...]:
    seq, extra = _word_sequence(phrase)
    if not seq:
        # A phrase that is only an identifier or a number, e.g. "301" or "5.7.1".
        return tuple(t.term for t in extra)
    return tuple(w.stem for w in seq)


class KbTokenizer(Tokenizer):  # type: ignore[misc]
    """:func:`analyze` as a Whoosh analyzer, for the schema's text fields.

    Whoosh pickles the schema into the index, so this class must stay importable
    from this module. It holds no data: the word lists are read from the data files.
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KbTokenizer)

    def __hash__(self) -> int:
        return hash(KbTokenizer)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Any]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for a in analyze(value):
            t.text = a.term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[a.start : a.end]
            if positions:
                t.pos = start_pos + a.pos
            if chars:
                t.startchar = start_char + a.start
                t.endchar = start_char + a.end
            yield t

"""The support-policy rules used by ticket deflection, loaded from ``search/deflect/policy.yml``.

The rules are data that a support manager edits in a pull request: priority phrases,
exclusions with their reason codes and messages, channel advice, secret warnings and the
confidence thresholds. This module only reads and validates them; :mod:`search.deflect`
applies them.

Every problem in the file is reported at once, each naming the file, the key, what was
expected and what arrived, e.g.::

    search/deflect/policy.yml: 'priority.rules[2].level': expected one of critical, high,
    medium, low, got 'urgent'
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kb_text import describe
from kb_text.secrets import SECRET_KINDS

__all__ = [
    "DEFAULT_POLICY_PATH",
    "EXCLUSION_REASONS",
    "LEVELS",
    "SECRET_TYPES",
    "ChannelAdvice",
    "Confidence",
    "Exclusion",
    "Learned",
    "Policy",
    "PolicyError",
    "PriorityRule",
    "default_policy",
    "load_policy",
]

log = logging.getLogger(__name__)

DEFAULT_POLICY_PATH = Path(__file__).with_name("policy.yml")
"""The policy shipped with the package."""

LEVELS: tuple[str, ...] = ("critical", "high", "medium", "low")
"""Priority levels, most urgent first (the support policy's section 4)."""

EXCLUSION_REASONS: tuple[str, ...] = (
    "website-design",
    "custom-code",
    "third-party-plugin",
    "end-customer",
)
"""Reason codes of the support policy's exclusions (section 5)."""

SECRET_TYPES: tuple[str, ...] = SECRET_KINDS
"""Kinds of secret the deflection warns about."""

CHANNELS: tuple[str, ...] = ("chat", "ticket")


class PolicyError(ValueError):
    """The policy file is missing or invalid; ``problems`` lists every problem found."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"{self.path}: {p}" for p in self.problems)
        super().__init__(f"invalid support policy ({len(self.problems)} problem(s)):\n{lines}")


@dataclass(frozen=True)
class Matcher:
    """A set of regular expressions that fire together.

    The matcher fires when one of ``patterns`` matches and, if ``if_also`` is not empty,
    one of ``if_also`` matches somewhere in the same text too, and none of ``unless``
    does.
    """

    patterns: tuple[re.Pattern[str], ...]
    if_also: tuple[re.Pattern[str], ...] = ()
    unless: tuple[re.Pattern[str], ...] = ()

    def search(self, text: str) -> str | None:
        """Return the text matched by the first pattern that fires, or ``None``.

        A pattern with a group named ``cue`` returns just that group: the words that
        decided ("three of my clients' sites"), without the rest of its match.
        """
        for pattern in self.patterns:
            found = pattern.search(text)
            if found is None:
                continue
            if self.if_also and not any(p.search(text) for p in self.if_also):
                return None
            if any(p.search(text) for p in self.unless):
                return None
            if "cue" in pattern.groupindex and found.group("cue"):
                return found.group("cue")
            return found.group(0)
        return None


@dataclass(frozen=True)
class PriorityRule:
    """Phrases that give a ticket a priority level."""

    level: str
    name: str
    reason: str
    """Why this level applies, in the policy's words; shown with the matched phrase."""
    matcher: Matcher
    articles: tuple[str, ...] = ()
    """Articles suggested first when this rule decides (paths relative to ``docs/``):
    "all my sites are down" is answered by the outage page before any other."""
    overrides_learned: bool = False
    """When the rule matches, its level stands even where the learned model gives a lower
    one: a cue the priority guide names outright ("five of my clients' sites")."""


@dataclass(frozen=True)
class Exclusion:
    """A kind of request the support policy excludes (section 5)."""

    reason: str
    """One of :data:`EXCLUSION_REASONS`."""
    message: str
    """What we do instead, shown to the customer."""
    matcher: Matcher
    articles: tuple[str, ...] = ()
    """Articles listed first for this exclusion; the policy's scope article by default."""


@dataclass(frozen=True)
class ChannelAdvice:
    """When to recommend live chat rather than a ticket, and what to tell the customer."""

    chat_max_priority: str
    chat_max_words: int
    chat_message: str
    ticket_message: str
    urgent_message: str
    """Added to the ticket advice for critical and high priority tickets."""
    out_of_scope_message: str
    """Used instead of the ticket advice when the request is excluded."""


@dataclass(frozen=True)
class Confidence:
    """How sure the search must be before articles are shown."""

    high_score: float
    """Top score from which the best article is shown with high confidence."""
    low_score: float
    """Top score under which nothing is shown (confidence ``none``)."""
    min_relative_score: float
    """Hits scoring under this fraction of the best hit are dropped as noise."""
    max_articles: int


@dataclass(frozen=True)
class Learned:
    """Where the model learned from labelled tickets (:mod:`search.deflect.model`) decides
    instead of the rules alone."""

    priority: bool = False
    """The model gives the level; the rules above only name the breadth cue, when one
    of the model's level matches."""
    scope: bool = False
    """The model may find an exclusion the rules missed (the rules' own finds stand)."""
    scope_margin: float = 0.0
    """How sure the model must be that a ticket is out of scope: its score for the
    likeliest exclusion minus its score for "in scope". 0 = its plain best guess;
    below 0 it flags more tickets, above 0 fewer."""
    rule_veto_margin: float | None = None
    """An exclusion rule's match stands unless the model's margin for the ticket (as in
    :attr:`scope_margin`) is below this, e.g. -1.0: the model is sure the request is one
    we handle although an exclusion's words occur in it. None: a rule's match always
    stands."""


@dataclass(frozen=True)
class Policy:
    """All rules from one policy file."""

    source: str
    default_level: str
    default_reason: str
    priority_rules: tuple[PriorityRule, ...]
    exclusions: tuple[Exclusion, ...]
    scope_article: str | None
    """Article listed first when a request is excluded (path relative to ``docs/``)."""
    channel: ChannelAdvice
    secret_messages: dict[str, str]
    confidence: Confidence
    levels: dict[str, str] = field(default_factory=dict)
    """What each priority level means, in the policy's words: shown when the model decided
    a level and no rule of that level names a cue."""
    level_articles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Level -> articles listed first for a ticket of that level, whatever decided it (the
    model or a rule): a critical ticket is answered by the outage page first."""
    learned: Learned = field(default_factory=Learned)


class _Reader:
    """Reads typed values out of the parsed YAML, collecting every problem."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.words = {}

    def fail(self, key: str, expected: str, got: object) -> None:
        self.problems.append(f"{key!r}: expected {expected}, got {describe(got)}")

    def mapping(self, data: object, key: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail(key, "a mapping", data)
            return {}
        return data

    def get(self, data: dict[str, Any], name: str, key: str) -> object:
        if name not in data:
            self.problems.append(f"{key!r}: required key is missing")
            return None
        return data[name]

    def text(self, data: dict[str, Any], name: str, prefix: str) -> str:
        key = f"{prefix}.{name}"
        value = self.get(data, name, key)
        if value is None and name not in data:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "a non-empty string", value)
            return ""
        return value.strip()

    def choice(self, data: dict[str, Any], name: str, prefix: str, choices: tuple[str, ...]) -> str:
        key = f"{prefix}.{name}"
        value = self.get(data, name, key)
        if value is None and name not in data:
            return choices[-1]
        if value not in choices:
            self.fail(key, f"one of {', '.join(choices)}", value)
            return choices[-1]
        return str(value)

    def number(
        self, data: dict[str, Any], name: str, prefix: str, *, integer: bool = False
    ) -> float | None:
        """The number, or None when it is missing or wrong (reported once, here)."""
        key = f"{prefix}.{name}"
        value = self.get(data, name, key)
        if value is None and name not in data:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            self.fail(key, "a non-negative integer" if integer else "a non-negative number", value)
            return None
        if integer and not isinstance(value, int):
            self.fail(key, "a non-negative integer", value)
            return None
        return value

    def flag(self, data: dict[str, Any], name: str, prefix: str) -> bool:
        key = f"{prefix}.{name}"
        value = data.get(name, False)
        if not isinstance(value, bool):
            self.fail(key, "true or false", value)
            return False
        return value

    def signed(self, data: dict[str, Any], name: str, prefix: str) -> float:
        key = f"{prefix}.{name}"
        value = data.get(name, 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, "a number", value)
            return 0.0
        return float(value)

    words: dict[str, str]
    """The policy's ``words:``: named pieces of pattern, written ``{NAME}`` in a rule."""

    def expand(self, pattern: str, key: str) -> str | None:
        """``pattern`` with each ``{NAME}`` replaced by its word list, or None (reported)
        if it names a word list that is not defined."""

        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in self.words:
                known = ", ".join(sorted(self.words)) or "none defined"
                raise KeyError(
                    f"{key!r}: expected a name defined under words: ({known}), got {{{name}}}"
                )
            return f"(?:{self.words[name]})"

        try:
            return _WORD_REF.sub(sub, pattern)
        except KeyError as e:
            self.problems.append(str(e.args[0]))
            return None

    def read_words(self, raw: dict[str, Any]) -> None:
        """Read ``words:``; a word list may use others (``{NAME}``), in any order."""
        pending: dict[str, str] = {}
        for name, value in raw.items():
            if not isinstance(name, str) or not _WORD_NAME.fullmatch(name):
                self.fail(f"words.{name}", "a name in capitals (A-Z, _)", name)
            elif not isinstance(value, str) or not value:
                self.fail(f"words.{name}", "a regular expression (string)", value)
            else:
                pending[name] = value
        # Expand those whose references are all known, until nothing changes; what is
        # left refers to an unknown name or to itself.
        while pending:
            ready = {
                n: v
                for n, v in pending.items()
                if all(ref in self.words for ref in _WORD_REF.findall(v))
            }
            if not ready:
                for name, value in pending.items():
                    missing = [ref for ref in _WORD_REF.findall(value) if ref not in self.words]
                    self.fail(
                        f"words.{name}",
                        "names of other word lists, without a cycle",
                        "{" + "}, {".join(missing) + "}",
                    )
                return
            for name, value in ready.items():
                del pending[name]
                expanded = self.expand(value, f"words.{name}")
                if expanded is None:
                    continue
                try:
                    re.compile(expanded)
                except re.error as e:
                    self.problems.append(
                        f"'words.{name}': expected a valid regular expression, "
                        f"got {describe(value)}: {e}"
                    )
                    continue
                self.words[name] = expanded

    def regexes(
        self, data: dict[str, Any], name: str, prefix: str, *, required: bool
    ) -> tuple[re.Pattern[str], ...]:
        key = f"{prefix}.{name}"
        if name not in data:
            if required:
                self.problems.append(f"{key!r}: required key is missing")
            return ()
        value = data[name]
        if not isinstance(value, list) or (required and not value):
            self.fail(
                key,
                "a non-empty list of regular expressions"
                if required
                else "a list of regular expressions",
                value,
            )
            return ()
        compiled: list[re.Pattern[str]] = []
        for i, item in enumerate(value):
            item_key = f"{key}[{i}]"
            if not isinstance(item, str) or not item:
                self.fail(item_key, "a regular expression (string)", item)
                continue
            expanded = self.expand(item, item_key)
            if expanded is None:
                continue
            try:
                compiled.append(re.compile(expanded, re.IGNORECASE))
            except re.error as e:
                self.problems.append(
                    f"{item_key!r}: expected a valid regular expression, got {describe(item)}: {e}"
                )
        return tuple(compiled)

    def matcher(self, data: dict[str, Any], prefix: str) -> Matcher:
        return Matcher(
            patterns=self.regexes(data, "patterns", prefix, required=True),
            if_also=self.regexes(data, "if_also", prefix, required=False),
            unless=self.regexes(data, "unless", prefix, required=False),
        )

    def article_paths(self, data: dict[str, Any], name: str, prefix: str) -> tuple[str, ...]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(
            isinstance(v, str) and v.endswith(".md") for v in value
        ):
            self.fail(f"{prefix}.{name}", "a list of article paths ending in .md", value)
            return ()
        return tuple(value)

    def unknown_keys(self, data: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for name in data:
            if name not in allowed:
                where = f"{prefix}.{name}" if prefix else str(name)
                self.problems.append(
                    f"{where!r}: unknown key (expected one of {', '.join(sorted(allowed))})"
                )


_WORD_REF = re.compile(r"\{([A-Za-z_]+)\}")
_WORD_NAME = re.compile(r"[A-Z][A-Z_]*")


def _parse(raw: object, source: str) -> Policy:
    r = _Reader()
    top = r.mapping(raw, "(top level)")
    r.unknown_keys(
        top,
        {"version", "words", "priority", "scope", "channel", "secrets", "confidence", "learned"},
        "",
    )
    if top.get("version") != 1:
        r.fail("version", "1", top.get("version"))
    r.read_words(r.mapping(top.get("words", {}), "words"))

    priority = r.mapping(top.get("priority"), "priority")
    r.unknown_keys(priority, {"default", "levels", "level_articles", "rules"}, "priority")
    default = r.mapping(priority.get("default"), "priority.default")
    default_level = r.choice(default, "level", "priority.default", LEVELS)
    default_reason = r.text(default, "reason", "priority.default")
    levels: dict[str, str] = {}
    if "levels" in priority:
        raw_levels = r.mapping(priority["levels"], "priority.levels")
        r.unknown_keys(raw_levels, set(LEVELS), "priority.levels")
        levels = {level: r.text(raw_levels, level, "priority.levels") for level in LEVELS}
    level_articles: dict[str, tuple[str, ...]] = {}
    if "level_articles" in priority:
        raw_articles = r.mapping(priority["level_articles"], "priority.level_articles")
        r.unknown_keys(raw_articles, set(LEVELS), "priority.level_articles")
        level_articles = {
            level: r.article_paths(raw_articles, level, "priority.level_articles")
            for level in LEVELS
            if level in raw_articles
        }
    rules: list[PriorityRule] = []
    raw_rules = priority.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        r.fail("priority.rules", "a non-empty list of rules", raw_rules)
        raw_rules = []
    for i, raw_rule in enumerate(raw_rules):
        prefix = f"priority.rules[{i}]"
        rule = r.mapping(raw_rule, prefix)
        if not rule:
            continue
        r.unknown_keys(
            rule,
            {
                "level",
                "name",
                "reason",
                "patterns",
                "if_also",
                "unless",
                "articles",
                "overrides_learned",
            },
            prefix,
        )
        rules.append(
            PriorityRule(
                level=r.choice(rule, "level", prefix, LEVELS),
                name=r.text(rule, "name", prefix),
                reason=r.text(rule, "reason", prefix),
                matcher=r.matcher(rule, prefix),
                articles=r.article_paths(rule, "articles", prefix),
                overrides_learned=r.flag(rule, "overrides_learned", prefix),
            )
        )

    scope = r.mapping(top.get("scope"), "scope")
    r.unknown_keys(scope, {"article", "exclusions"}, "scope")
    scope_article = scope.get("article")
    if scope_article is not None and not (
        isinstance(scope_article, str) and scope_article.endswith(".md")
    ):
        r.fail("scope.article", "an article path ending in .md, relative to docs/", scope_article)
        scope_article = None
    exclusions: list[Exclusion] = []
    raw_exclusions = scope.get("exclusions")
    if not isinstance(raw_exclusions, list):
        r.fail("scope.exclusions", "a list of exclusions", raw_exclusions)
        raw_exclusions = []
    for i, raw_exclusion in enumerate(raw_exclusions):
        prefix = f"scope.exclusions[{i}]"
        exclusion = r.mapping(raw_exclusion, prefix)
        if not exclusion:
            continue
        r.unknown_keys(
            exclusion, {"reason", "message", "patterns", "if_also", "unless", "articles"}, prefix
        )
        articles = r.article_paths(exclusion, "articles", prefix)
        exclusions.append(
            Exclusion(
                reason=r.choice(exclusion, "reason", prefix, EXCLUSION_REASONS),
                message=r.text(exclusion, "message", prefix),
                matcher=r.matcher(exclusion, prefix),
                articles=articles or ((scope_article,) if scope_article else ()),
            )
        )

    channel = r.mapping(top.get("channel"), "channel")
    r.unknown_keys(channel, {"chat", "ticket"}, "channel")
    chat = r.mapping(channel.get("chat"), "channel.chat")
    r.unknown_keys(chat, {"max_priority", "max_words", "message"}, "channel.chat")
    ticket = r.mapping(channel.get("ticket"), "channel.ticket")
    r.unknown_keys(ticket, {"message", "urgent_message", "out_of_scope_message"}, "channel.ticket")
    advice = ChannelAdvice(
        chat_max_priority=r.choice(chat, "max_priority", "channel.chat", LEVELS),
        chat_max_words=int(r.number(chat, "max_words", "channel.chat", integer=True) or 0),
        chat_message=r.text(chat, "message", "channel.chat"),
        ticket_message=r.text(ticket, "message", "channel.ticket"),
        urgent_message=r.text(ticket, "urgent_message", "channel.ticket"),
        out_of_scope_message=r.text(ticket, "out_of_scope_message", "channel.ticket"),
    )

    secrets = r.mapping(top.get("secrets"), "secrets")
    r.unknown_keys(secrets, set(SECRET_TYPES), "secrets")
    secret_messages = {kind: r.text(secrets, kind, "secrets") for kind in SECRET_TYPES}

    conf = r.mapping(top.get("confidence"), "confidence")
    r.unknown_keys(
        conf, {"high_score", "low_score", "min_relative_score", "max_articles"}, "confidence"
    )
    # A missing or wrong number is reported once, by r.number; the checks between
    # numbers only run on the numbers that were read.
    high = r.number(conf, "high_score", "confidence")
    low = r.number(conf, "low_score", "confidence")
    relative = r.number(conf, "min_relative_score", "confidence")
    max_articles = r.number(conf, "max_articles", "confidence", integer=True)
    if low is not None and high is not None and low > high:
        r.fail("confidence.low_score", f"at most high_score ({high})", low)
    if relative is not None and not 0 <= relative <= 1:
        r.fail("confidence.min_relative_score", "a number between 0 and 1", relative)
    if max_articles is not None and not 1 <= max_articles <= 5:
        r.fail("confidence.max_articles", "an integer from 1 to 5", max_articles)
    confidence = Confidence(
        high_score=high or 0.0,
        low_score=low or 0.0,
        min_relative_score=relative or 0.0,
        max_articles=int(max_articles or 0),
    )

    learned = Learned()
    if "learned" in top:
        raw_learned = r.mapping(top["learned"], "learned")
        r.unknown_keys(
            raw_learned, {"priority", "scope", "scope_margin", "rule_veto_margin"}, "learned"
        )
        learned = Learned(
            priority=r.flag(raw_learned, "priority", "learned"),
            scope=r.flag(raw_learned, "scope", "learned"),
            scope_margin=r.signed(raw_learned, "scope_margin", "learned"),
            rule_veto_margin=(
                r.signed(raw_learned, "rule_veto_margin", "learned")
                if "rule_veto_margin" in raw_learned
                else None
            ),
        )

    if r.problems:
        raise PolicyError(source, r.problems)
    return Policy(
        source=source,
        default_level=default_level,
        default_reason=default_reason,
        priority_rules=tuple(rules),
        exclusions=tuple(exclusions),
        scope_article=scope_article,
        channel=advice,
        secret_messages=secret_messages,
        confidence=confidence,
        levels=levels,
        level_articles=level_articles,
        learned=learned,
    )


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping: PyYAML keeps the
    last one silently, so a rule pasted without its `- level:` line would quietly take
    over the rule above it."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} given twice (line {seen[key] + 1} and line "
                f"{key_node.start_mark.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)


def load_policy(path: Path | str = DEFAULT_POLICY_PATH) -> Policy:
    """Read and validate a policy file.

    Raises:
        PolicyError: the file cannot be read or parsed, or breaks the schema; the error
            lists every problem, each with the key, what was expected and what arrived.
    """
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except OSError as e:
        raise PolicyError(path, [f"cannot read the file: {e.strerror or e}"]) from e
    except yaml.YAMLError as e:
        raise PolicyError(path, [f"not valid YAML: {e}"]) from e
    policy = _parse(raw, str(path))
    log.debug(
        "loaded support policy %s: %d priority rules, %d exclusions",
        path,
        len(policy.priority_rules),
        len(policy.exclusions),
    )
    return policy


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    """The shipped policy (``search/deflect/policy.yml``), loaded once per process."""
    return load_policy(DEFAULT_POLICY_PATH)

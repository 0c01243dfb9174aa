"""Ticket deflection: before a ticket is filed, show the article that solves it and what
the support policy says about the request.

:func:`suggest` takes a ticket's subject and body and returns a :class:`Suggestion`:

- up to five articles with a confidence (``high``, ``low``, ``none``: nothing is shown
  rather than noise),
- the priority the support policy gives the ticket, with the phrase that decided it,
- whether the request is excluded by the policy (reason code and what we do instead),
- warnings for secrets pasted into the text (the secret is never repeated),
- the channel to use (live chat with a Support PIN, or a ticket).

The rules live in ``search/deflect/policy.yml`` (see :mod:`search.deflect.policy`), not
here; where its ``learned:`` section says so, a model trained on the labelled tickets in
``search/deflect/examples/`` gives the level and finds exclusions the rules miss
(:mod:`search.deflect.model`). Secrets are found by :mod:`kb_text.secrets`.
Ticket text is never stored or logged: log records carry counts and levels only.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kb_text.secrets import SecretFinding, find_secrets, mask_secrets, warm_secret_detector
from search.deflect.policy import LEVELS, Exclusion, Policy, PriorityRule, default_policy
from search.results import Hit

if TYPE_CHECKING:
    from search.deflect.model import TicketModel
    from search.knowledge_base import KnowledgeBase

__all__ = [
    "MAX_TEXT_CHARS",
    "Channel",
    "Decision",
    "OutOfScope",
    "SecretWarning",
    "Suggestion",
    "assess_priority",
    "decide",
    "find_exclusion",
    "recommend_channel",
    "suggest",
]

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000
"""Ticket text beyond this many characters is ignored (the API accepts 10 kB bodies)."""
MAX_QUERY_CHARS = 4_000
"""Only this much of the ticket goes to the search engine: query cost grows with terms."""


@dataclass(frozen=True)
class OutOfScope:
    """The support policy excludes the request."""

    reason: str
    """``website-design``, ``custom-code``, ``third-party-plugin`` or ``end-customer``."""
    message: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form used by the CLI and the API."""
        return {"reason": self.reason, "message": self.message}


@dataclass(frozen=True)
class SecretWarning:
    """A kind of secret found in the ticket, with the advice to show. Never the secret."""

    type: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form used by the CLI and the API."""
        return {"type": self.type, "message": self.message}


@dataclass(frozen=True)
class Channel:
    """Where the customer should go: ``chat`` (needs a Support PIN) or ``ticket``."""

    recommended: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form used by the CLI and the API."""
        return {"recommended": self.recommended, "message": self.message}


@dataclass(frozen=True)
class Suggestion:
    """Everything deflection says about one ticket."""

    articles: tuple[Hit, ...]
    """Best first; without snippets (deflection shows summaries)."""
    confidence: str
    """``high``, ``low`` or ``none`` (then ``articles`` is empty). An excluded request
    always lists the policy's scope article, with at least ``low``."""
    priority: str
    """``critical``, ``high``, ``medium`` or ``low``."""
    priority_reason: str
    out_of_scope: OutOfScope | None
    secrets: tuple[SecretWarning, ...] = field(default=())
    channel: Channel = field(default_factory=lambda: Channel("ticket", ""))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by ``kb suggest --json`` and ``POST /api/suggest``."""
        return {
            "articles": [a.to_dict(snippet=False, score_digits=3) for a in self.articles],
            "confidence": self.confidence,
            "priority": self.priority,
            "priority_reason": self.priority_reason,
            "out_of_scope": self.out_of_scope.to_dict() if self.out_of_scope else None,
            "secrets": [s.to_dict() for s in self.secrets],
            "channel": self.channel.to_dict(),
        }


_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[\w'’-]+")


def _ticket_text(subject: str, body: str) -> str:
    return f"{subject[:MAX_TEXT_CHARS]}\n{body[:MAX_TEXT_CHARS]}"


def _quote(phrase: str, limit: int = 80) -> str:
    phrase = _SPACES.sub(" ", phrase).strip()
    return phrase if len(phrase) <= limit else phrase[: limit - 1].rstrip() + "…"


def _cue_reason(rule: PriorityRule, phrase: str) -> str:
    """A rule's reason with the phrase that matched it: the breadth cue, quoted."""
    return f'{rule.reason} Matched "{_quote(phrase)}".'


def assess_priority(text: str, policy: Policy | None = None) -> tuple[str, str]:
    """Return ``(level, reason)`` for a ticket's text (secrets already masked), by the
    rules alone (:func:`suggest` lets the learned model decide where the policy says so).

    Every rule is tried and the most urgent level that matches wins; between rules of the
    same level, the first in the file wins. The reason names the rule and quotes the
    phrase that decided it.
    """
    level, reason, _ = _decide_priority(text, policy or default_policy())
    return level, reason


def _decide_priority(text: str, policy: Policy) -> tuple[str, str, PriorityRule | None]:
    best: tuple[int, str, PriorityRule] | None = None
    for rule in policy.priority_rules:
        rank = LEVELS.index(rule.level)
        if best is not None and rank >= best[0]:
            continue
        phrase = rule.matcher.search(text)
        if phrase is not None:
            best = (rank, _cue_reason(rule, phrase), rule)
    if best is None:
        return policy.default_level, policy.default_reason, None
    return best[2].level, best[1], best[2]


def _match_exclusion(text: str, policy: Policy) -> Exclusion | None:
    return next((e for e in policy.exclusions if e.matcher.search(text) is not None), None)


@dataclass(frozen=True)
class Decision:
    """What the support policy says about one ticket's text: priority and scope."""

    priority: str
    reason: str
    """Why, for the customer: the breadth cue that decided, or what the model leaned on."""
    rule: PriorityRule | None
    """The rule that names the cue, whose ``articles`` come first; None if none did."""
    exclusion: Exclusion | None
    decided_by: str
    """``rules`` or ``model``: what chose the level."""


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(f'"{w}"' for w in words)


def decide(text: str, policy: Policy, model: TicketModel | None = None) -> Decision:
    """Priority and scope of a ticket's masked text.

    With ``model`` and the policy's ``learned:`` switches on, the model trained on the
    labelled tickets gives the level, and may find an exclusion the rules missed; a rule
    of the model's level still names the breadth cue. Otherwise the rules alone decide.
    """
    learned = policy.learned
    exclusion = _match_exclusion(text, policy)
    veto = learned.rule_veto_margin
    if model is not None and learned.scope and (exclusion is None or veto is not None):
        leaning = model.scope(text)  # once: the veto and the model's own find read it
        if exclusion is not None and veto is not None and leaning.margin < veto:
            exclusion = None  # the model is sure the request is one we handle
        if exclusion is None and leaning.margin >= learned.scope_margin:
            exclusion = next((e for e in policy.exclusions if e.reason == leaning.label), None)

    if model is None or not learned.priority:
        decision = Decision(*_decide_priority(text, policy), exclusion, "rules")
    else:
        decision = _model_decision(text, policy, model, exclusion)
    if exclusion is not None and not _wide_in_scope_part(decision.priority):
        return Decision(policy.default_level, policy.default_reason, None, exclusion, "rules")
    return decision


def _model_decision(
    text: str, policy: Policy, model: TicketModel, exclusion: Exclusion | None
) -> Decision:
    """The model's level, unless a rule that ``overrides_learned`` matches at a higher
    one; the reason names a rule's breadth cue of that level if one matches ("Several
    accounts are affected. Matched "three of my clients' sites""), else the level's
    meaning and the words the model leaned on."""
    leaning = model.priority(text)
    level = leaning.label
    # First a breadth the guide names outright, which outranks what the model leans to;
    # then the first rule of the model's level, which names the cue.
    rank = LEVELS.index(level)
    passes = (
        ("rules", lambda r: r.overrides_learned and LEVELS.index(r.level) < rank),
        ("model", lambda r: r.level == level),
    )
    for decided_by, applies in passes:
        for rule in filter(applies, policy.priority_rules):
            phrase = rule.matcher.search(text)
            if phrase is not None:
                return Decision(rule.level, _cue_reason(rule, phrase), rule, exclusion, decided_by)
    meaning = policy.levels.get(level) or (
        policy.default_reason if level == policy.default_level else f"Priority {level}."
    )
    if leaning.words:
        meaning += (
            f" Judged from labelled tickets like this one; the words that weighed most: "
            f"{_words(leaning.words)}."
        )
    return Decision(level, meaning, None, exclusion, "model")


def _wide_in_scope_part(level: str) -> bool:
    """Whether an excluded request keeps ``level``. An out-of-scope request takes the
    level of its in-scope part: a breadth that reaches past one account (high, critical:
    "all our sites are down, and can you redesign the logo") stays; one broken site that
    is the request itself, or nothing broken in scope, makes it a question (the default
    level, low)."""
    return LEVELS.index(level) < LEVELS.index("medium")


def find_exclusion(text: str, policy: Policy | None = None) -> OutOfScope | None:
    """Return the first exclusion of the policy that the text matches, if any (the rules
    alone; :func:`decide` adds the learned model's finds)."""
    exclusion = _match_exclusion(text, policy or default_policy())
    return OutOfScope(exclusion.reason, exclusion.message) if exclusion else None


def recommend_channel(
    priority: str,
    out_of_scope: OutOfScope | None,
    word_count: int,
    policy: Policy | None = None,
) -> Channel:
    """Live chat for quick, low-priority questions; a ticket for everything else."""
    policy = policy or default_policy()
    advice = policy.channel
    if out_of_scope is not None:
        return Channel("ticket", advice.out_of_scope_message)
    if (
        LEVELS.index(priority) >= LEVELS.index(advice.chat_max_priority)
        and word_count <= advice.chat_max_words
    ):
        return Channel("chat", advice.chat_message)
    if priority in ("critical", "high"):
        return Channel("ticket", f"{advice.ticket_message} {advice.urgent_message}")
    return Channel("ticket", advice.ticket_message)


def secret_warnings(text: str, policy: Policy | None = None) -> tuple[SecretWarning, ...]:
    """The warnings :func:`suggest` gives about the secrets in ``text``, on their own
    (the widget asks about the text beyond what it sends for suggestions)."""
    return _secret_warnings(find_secrets(text), policy or default_policy())


def _secret_warnings(findings: list[SecretFinding], policy: Policy) -> tuple[SecretWarning, ...]:
    kinds: list[str] = []
    for finding in findings:
        if finding.type not in kinds:
            kinds.append(finding.type)
    return tuple(SecretWarning(kind, policy.secret_messages[kind]) for kind in kinds)


def _search(kb: KnowledgeBase, subject: str, body: str, limit: int) -> list[Hit]:
    # Tickets are long prose: the engine's ticket query picks the distinctive terms and
    # error codes and ORs them, where a plain query would weigh every word.
    results = kb.query_ticket(
        subject[:MAX_QUERY_CHARS], body[:MAX_QUERY_CHARS], limit=limit, snippets=False
    )
    return list(results.hits)


def warm_up(policy: Policy | None = None) -> None:
    """Fit what :func:`suggest` learns from (the ticket model, when the policy's
    ``learned:`` switches use it) and load the secret detector's word list now, rather
    than during the first ticket."""
    _model_for(policy or default_policy())
    warm_secret_detector()


def _model_for(policy: Policy) -> TicketModel | None:
    if not (policy.learned.priority or policy.learned.scope):
        return None
    from search.deflect.model import default_model

    return default_model()


def suggest(
    subject: str,
    body: str,
    *,
    kb: KnowledgeBase | None = None,
    policy: Policy | None = None,
    limit: int | None = None,
) -> Suggestion:
    """Deflect one ticket: articles, priority, scope, secret warnings and channel.

    Args:
        subject: The ticket's subject line.
        body: The ticket's text: long prose, pasted errors and all.
        kb: An open :class:`search.KnowledgeBase`; by default the process-wide one
            for ``$KB_INDEX_DIR`` (``.kb/index``), see :func:`search.get_knowledge_base`.
        policy: The support-policy rules; by default ``search/deflect/policy.yml``.
        limit: At most this many articles (the policy's ``max_articles`` by default).
    """
    policy = policy or default_policy()
    if kb is None:
        import search

        kb = search.get_knowledge_base()
    # Secrets are looked for in the whole text, however long: a password pasted under a
    # long log is still found. Rules and search see at most MAX_TEXT_CHARS of each part.
    findings = find_secrets(f"{subject}\n{body}")
    # Rules and search only ever see the masked text: a secret can neither be quoted as
    # the "phrase that decided it" nor reach the search engine.
    masked_subject, _, masked_body = mask_secrets(f"{subject}\n{body}", findings).partition("\n")
    masked = _ticket_text(masked_subject, masked_body)

    decision = decide(masked, policy, _model_for(policy))
    priority, reason, rule, excluded = (
        decision.priority,
        decision.reason,
        decision.rule,
        decision.exclusion,
    )
    exclusion = OutOfScope(excluded.reason, excluded.message) if excluded else None

    max_articles = min(limit or policy.confidence.max_articles, policy.confidence.max_articles)
    hits = _search(kb, masked_subject, masked_body, max_articles + 3)
    # Every ticket with something to match gets its best articles: confidence only
    # changes how they are presented. "none" is for text that matches nothing at all.
    confidence = "none"
    articles: list[Hit] = []
    if hits:
        top = hits[0].score
        confidence = "high" if top >= policy.confidence.high_score else "low"
        floor = top * policy.confidence.min_relative_score
        articles = [h for h in hits if h.score >= floor]
    # The policy's own pages come first where a rule or the level names them: what we do
    # instead of an excluded request, what to do in a service-wide outage.
    pinned = (
        list(excluded.articles if excluded else ())
        + list(rule.articles if rule else ())
        + list(policy.level_articles.get(priority, ()) if not excluded else ())
    )
    if pinned:
        top_score = hits[0].score if hits else 0.0
        scores = {h.path: h.score for h in hits}
        first: list[Hit] = []
        for path in dict.fromkeys(pinned):
            found = kb.article(path, score=max(scores.get(path, 0.0), top_score))
            if found is not None:
                first.append(found)
        articles = first + [a for a in articles if a.path not in {f.path for f in first}]
        if first and confidence == "none":
            confidence = "low"
    articles = articles[:max_articles]

    channel = recommend_channel(priority, exclusion, len(_WORD.findall(masked)), policy)
    log.debug(
        "suggest: %d article(s), confidence=%s, priority=%s, scope=%s, secrets=%d",
        len(articles),
        confidence,
        priority,
        exclusion.reason if exclusion else "in",
        len(findings),
    )
    return Suggestion(
        articles=tuple(articles),
        confidence=confidence,
        priority=priority,
        priority_reason=reason,
        out_of_scope=exclusion,
        secrets=_secret_warnings(findings, policy),
        channel=channel,
    )

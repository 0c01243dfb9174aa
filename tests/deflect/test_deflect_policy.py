"""The support-policy rules file: the shipped one loads, mistakes are reported precisely."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from search.deflect import assess_priority, find_exclusion, recommend_channel
from search.deflect.policy import (
    DEFAULT_POLICY_PATH,
    EXCLUSION_REASONS,
    LEVELS,
    PolicyError,
    load_policy,
)


def write_policy(tmp_path: Path, change: dict[str, object]) -> Path:
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        node = data
        *parents, last = dotted.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is KeyError:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    path = tmp_path / "policy.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_shipped_policy_loads_and_covers_every_level_and_reason() -> None:
    policy = load_policy()
    assert {r.level for r in policy.priority_rules} | {policy.default_level} == set(LEVELS)
    assert {e.reason for e in policy.exclusions} == set(EXCLUSION_REASONS)
    assert policy.scope_article == "support/scope.md"


def test_every_problem_is_reported_at_once_with_key_expected_and_received(tmp_path: Path) -> None:
    path = write_policy(
        tmp_path,
        {
            "priority.rules.0.level": "urgent",
            "priority.rules.1.patterns": ["(unclosed"],
            "scope.exclusions.0.reason": "billing",
            "secrets.password": KeyError,
            "confidence.max_articles": 9,
            "channel.chat.max_words": "many",
        },
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.problems == [
        "'priority.rules[0].level': expected one of critical, high, medium, low, got 'urgent'",
        "'priority.rules[1].patterns[0]': expected a valid regular expression, got '(unclosed': "
        "missing ), unterminated subpattern at position 0",
        "'scope.exclusions[0].reason': expected one of website-design, custom-code, "
        "third-party-plugin, end-customer, got 'billing'",
        "'channel.chat.max_words': expected a non-negative integer, got 'many'",
        "'secrets.password': required key is missing",
        "'confidence.max_articles': expected an integer from 1 to 5, got 9",
    ]
    assert str(caught.value).startswith(
        f"invalid support policy (6 problem(s)):\n{path}: 'priority.rules[0].level'"
    )


def test_unknown_keys_are_reported(tmp_path: Path) -> None:
    path = write_policy(tmp_path, {"priority.rules.0.phrases": ["outage"]})
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.problems == [
        "'priority.rules[0].phrases': unknown key (expected one of if_also, level, name, patterns, reason)"  # noqa: E501
    ]


def test_unreadable_and_invalid_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read the file"):
        load_policy(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("priority: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(bad)


@pytest.mark.parametrize(
    ("text", "level", "phrase"),
    [
        ("All our client websites are down since 8am", "critical", '"websites are down"'),
        ("The webmail is completely down for everyone", "critical", '"webmail is completely down"'),
        ("every order fails at the payment step with a timeout", "high", '"every order fails"'),
        ("I am locked out of cPanel after too many attempts", "high", '"locked out"'),
        ("Outlook says 535 authentication failed", "medium", '"failed"'),
        ("How do I add a subdomain for a blog?", "low", None),
    ],
)
def test_priority_rules_quote_the_deciding_phrase(
    text: str, level: str, phrase: str | None
) -> None:
    got_level, reason = assess_priority(text)
    assert got_level == level
    if phrase:
        assert phrase in reason
    else:
        assert reason == load_policy().default_reason


def test_highest_level_wins() -> None:
    level, reason = assess_priority("Outlook shows an error, and now the site is down too")
    assert (level, reason) == (
        "critical",
        'A site or the mail service is completely down. Matched "site is down".',
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Could you design a new logo for my shop?", "website-design"),
        ("please fix the CSS so the header is centred", "website-design"),
        ("Can you write me a SQL query that lists orders by month?", "custom-code"),
        ("Can you debug my PHP script? It prints nothing", "custom-code"),
        ("Elementor shows a blank editor, can you fix it for us?", "third-party-plugin"),
        ("I'm a client of an agency that hosts our site with you", "end-customer"),
        ("How do I change the PHP version of one domain?", None),
        ("My email signature needs our logo, where do I add it in webmail?", None),
    ],
)
def test_exclusions(text: str, reason: str | None) -> None:
    found = find_exclusion(text)
    assert (found.reason if found else None) == reason


def test_channel_advice() -> None:
    policy = load_policy()
    assert recommend_channel("low", None, 20).recommended == "chat"
    assert recommend_channel("low", None, 500).recommended == "ticket"
    urgent = recommend_channel("critical", None, 20)
    assert urgent.recommended == "ticket"
    assert urgent.message == f"{policy.channel.ticket_message} {policy.channel.urgent_message}"

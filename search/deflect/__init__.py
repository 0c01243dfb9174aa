"""Ticket deflection: articles, priority, scope, secret warnings and channel for a ticket.

- :func:`suggest` (in :mod:`search.deflect.suggest`) answers one ticket with a
  :class:`Suggestion` whose articles are :class:`search.Hit` objects;
- :mod:`search.deflect.policy` loads the support-policy rules from ``policy.yml``;
- ``kb suggest --batch`` is :func:`search.batch.run_suggest_batch`.
"""

from __future__ import annotations

from search.deflect.policy import Policy, PolicyError, default_policy, load_policy
from search.deflect.suggest import (
    MAX_TEXT_CHARS,
    Channel,
    OutOfScope,
    SecretWarning,
    Suggestion,
    assess_priority,
    find_exclusion,
    recommend_channel,
    secret_warnings,
    suggest,
    warm_up,
)

__all__ = [
    "MAX_TEXT_CHARS",
    "Channel",
    "OutOfScope",
    "Policy",
    "PolicyError",
    "SecretWarning",
    "Suggestion",
    "assess_priority",
    "default_policy",
    "find_exclusion",
    "load_policy",
    "recommend_channel",
    "secret_warnings",
    "suggest",
    "warm_up",
]

"""Settings: every variable is read, validated and documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb_api import RateLimit, Settings, SettingsError

REPO = Path(__file__).resolve().parents[2]


def test_defaults() -> None:
    s = Settings.from_env({})
    assert s == Settings()
    assert (str(s.index_dir), s.rate_limit, s.database_url) == (
        ".kb/index",
        RateLimit(120, 60.0),
        "sqlite:///.kb/kb.sqlite3",
    )


def test_values_from_the_environment_round_trip() -> None:
    env = {
        "KB_INDEX_DIR": "/srv/index",
        "KB_CORS_ORIGINS": "https://a.example, http://b.example:8080/",
        "KB_RATE_LIMIT": "10/second",
        "KB_DATABASE_URL": "postgresql://kb@db/kb",
        "KB_SITE_URL": "https://help.example.com",
        "KB_MAX_BODY_BYTES": "2048",
    }
    s = Settings.from_env(env)
    assert s.cors_origins == ("https://a.example", "http://b.example:8080")
    assert s.site_url == "https://help.example.com/"
    assert Settings.from_env(s.to_env()) == s


def test_every_bad_value_is_reported_at_once() -> None:
    env = {
        "KB_RATE_LIMIT": "lots",
        "KB_CORS_ORIGINS": "example.com",
        "KB_MAX_BODY_BYTES": "-1",
        "KB_SITE_URL": "help",
    }
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    assert caught.value.problems == [
        "KB_CORS_ORIGINS: expected origins like 'https://example.com', got 'example.com'",
        "KB_RATE_LIMIT: expected '<count>/<second|minute|hour>', got 'lots'",
        "KB_SITE_URL: expected an http(s):// URL, got 'help'",
        "KB_MAX_BODY_BYTES: expected a positive integer, got '-1'",
    ]


def test_the_manual_documents_every_variable() -> None:
    manual = (REPO / "manual" / "api.md").read_text(encoding="utf-8")
    assert sorted(Settings.variables()) == sorted(
        set(re.findall(r"`(KB_[A-Z_]+)`", manual)) & set(Settings.variables())
    )


def test_the_widget_manual_documents_every_data_attribute() -> None:
    source = (REPO / "kb_builder" / "assets" / "kb-widget.js").read_text(encoding="utf-8")
    manual = (REPO / "manual" / "widget.md").read_text(encoding="utf-8")
    used = {
        "data-" + re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)
        for name in re.findall(r"\bd\.(\w+)", source)
    }
    used |= set(re.findall(r'"(data-[a-z-]+)"', source))
    missing = sorted(a for a in used if f"`{a}`" not in manual)
    assert missing == []

"""The live server of the API tests (imported by conftest.py and the tests)."""

from __future__ import annotations

from tests.live_server import LiveServer, free_port

__all__ = ["WIDGET_ORIGIN", "LiveServer", "free_port"]

WIDGET_ORIGIN = "http://tickets.example.test"

"""Paths and a live uvicorn server for the browser tests."""

from __future__ import annotations

from pathlib import Path

from tests.live_server import LiveServer, free_port

__all__ = ["ASSETS", "AXE", "REPO", "LiveServer", "free_port"]

REPO = Path(__file__).resolve().parents[2]
ASSETS = REPO / "kb_builder" / "assets"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"

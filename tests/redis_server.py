"""Debian's real redis-server on a free loopback port, for the tests of the shared rate
limit (imported by tests/deploy and tests/kb_api)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.live_server import free_port

__all__ = ["redis_server"]


@contextmanager
def redis_server(folder: Path, *options: str) -> Iterator[str]:
    """A redis-server writing nothing to disk (``options``: more of its flags, e.g.
    ``--maxmemory-policy allkeys-lru``); yields its ``redis://`` URL, stops it after."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed: run scripts/test (it installs it)")
    import redis

    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder), *options],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        client = redis.Redis(host="127.0.0.1", port=port)
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)

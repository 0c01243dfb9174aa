"""The API as deployed, in a process group of its own (imported by the fault tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Self

import httpx
import pytest

from tests.conftest import free_port

__all__ = ["ApiProcess"]


class ApiProcess:
    """``uvicorn --factory kb_api:create_app --workers N`` in a new process group."""

    def __init__(self, cwd: Path, index_dir: Path, database_url: str, *, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = cwd / f"api-{self.port}.log"
        env = {
            **os.environ,
            "KB_INDEX_DIR": str(index_dir),
            "KB_DATABASE_URL": database_url,
            "KB_RATE_LIMIT": "0/minute",
        }
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "kb_api:create_app",
                 "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
                 "--log-level", "warning"],
                cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def wait_ready(self, timeout: float = 60.0) -> ApiProcess:
        """Wait until ``/api/health`` answers 200; fail with the server's log otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the API did not start:\n{self.log()}")
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL the whole process group: supervisor and workers die mid-request."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class ClientThreads:
    """Client threads that run until the ``with`` block ends (``self.stop`` is set)."""

    join_timeout = 60.0

    def __init__(self, target: Callable[[int], None], count: int) -> None:
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]

    def __enter__(self) -> Self:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=self.join_timeout)

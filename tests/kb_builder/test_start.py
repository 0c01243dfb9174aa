"""``scripts/start``: a taken port is said at once, before any setup or build."""

from __future__ import annotations

import os
import socket
import subprocess

from tests.conftest import REPO


def test_a_taken_port_is_said_before_the_build_with_how_to_choose_another() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        site = REPO / "site"
        before = site.stat().st_mtime_ns if site.exists() else None
        done = subprocess.run(
            [str(REPO / "scripts" / "start")],
            env={**os.environ, "KB_ADDR": f"127.0.0.1:{port}"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"Cannot serve on 127.0.0.1:{port}: Address already in use (is another kb serve "
        "running?).\nChoose another address with KB_ADDR, e.g. "
        f"KB_ADDR=127.0.0.1:{port + 10} scripts/start\n"
    )
    assert (site.stat().st_mtime_ns if site.exists() else None) == before


def test_a_malformed_kb_addr_is_refused() -> None:
    done = subprocess.run(
        [str(REPO / "scripts" / "start")],
        env={**os.environ, "KB_ADDR": "8000"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (
        1,
        "KB_ADDR: expected HOST:PORT, e.g. 127.0.0.1:8010, got '8000'\n",
    )

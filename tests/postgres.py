"""A throw-away PostgreSQL server for the tests that run against both databases."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.live_server import free_port


class PostgresServer:
    """A throw-away PostgreSQL cluster: initdb, pg_ctl start on a Unix socket, stop."""

    def __init__(self) -> None:
        missing = [tool for tool in ("initdb", "pg_ctl") if shutil.which(tool) is None]
        if missing:
            pytest.fail(
                f"PostgreSQL server binaries not on PATH: {', '.join(missing)} "
                "(Debian: apt-get install postgresql; add /usr/lib/postgresql/*/bin to PATH)"
            )
        self.base = Path(tempfile.mkdtemp(prefix="kb-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.runas: list[str] = []
        if os.geteuid() == 0:
            # initdb refuses to run as root: run the server as an unprivileged user.
            user = next((u for u in ("postgres", "nobody") if _user_exists(u)), None)
            if user is None or shutil.which("runuser") is None:
                pytest.fail("running as root without a 'postgres' user or runuser: cannot initdb")
            shutil.chown(self.base, user)
            self.runas = ["runuser", "-u", user, "--"]
        self._counter = itertools.count(1)

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run([*self.runas, *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stderr}\n{tail}")

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "kb", "-E", "UTF8",
                  "--no-sync")  # fmt: skip
        options = f"-k {self.base} -p {self.port} -c listen_addresses='' -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "server.log"), "-w",
                  "-t", "60", "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://kb@/{database}?host={self.base}&port={self.port}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"kb_test_{next(self._counter)}"
        with psycopg.connect(host=str(self.base), port=self.port, user="kb", dbname="postgres",
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True

"""Slow clients cannot hold connections to the real `kb api`: a head sent a byte a second,
a body that stops, a connection that sends nothing and an idle keep-alive connection are
all closed within their deadlines, while a normal request is answered meanwhile."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.deploy.conftest import ApiStarter

DEADLINE = 2.0
"""KB_HEADER_TIMEOUT, KB_BODY_TIMEOUT and KB_KEEP_ALIVE_TIMEOUT of the server under test."""
SLACK = 3.0
"""How late a close may come on a loaded machine (the deadline is checked once it expires)."""
GIVE_UP = 20.0
"""Seconds after which a connection still open fails the test (without the guards: all)."""


@dataclass
class SlowClient:
    """One connection that misbehaves in ``kind``'s way, in a thread of its own."""

    port: int
    kind: str
    received: bytes = b""
    closed_after: float | None = None
    """Seconds from the moment its deadline started to the server's close."""
    gave_up: bool = False
    """The server kept the connection open for :data:`GIVE_UP` seconds."""
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=GIVE_UP) as sock:
            started = time.monotonic()
            if self.kind == "head a byte a second":
                self._trickle(sock, b"GET /api/health HTTP/1.1\r\nX-Slow: " + b"a" * 100)
            else:
                if self.kind == "body that stops":
                    sock.sendall(
                        b"POST /api/suggest HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                        b'application/json\r\nContent-Length: 200\r\n\r\n{"subject": "mail'
                    )
                elif self.kind == "idle keep-alive":
                    sock.sendall(b"GET /api/livez HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    self._read_answer(sock)
                    started = time.monotonic()  # the idle time starts after the answer
                    self.received = b""
                self._read_until_closed(sock)
            if not self.gave_up:
                self.closed_after = time.monotonic() - started

    def _trickle(self, sock: socket.socket, head: bytes) -> None:
        sock.settimeout(1.0)
        give_up = time.monotonic() + GIVE_UP
        for byte in head:
            if time.monotonic() > give_up:
                self.gave_up = True
                return
            try:
                sock.sendall(bytes([byte]))
                chunk = sock.recv(65536)  # waits up to a second: one byte a second
            except TimeoutError:
                continue
            except OSError:
                return
            self.received += chunk
            if not chunk:
                return
            sock.settimeout(GIVE_UP)
            self._read_until_closed(sock)
            return
        raise AssertionError("the whole head was sent without the server closing")

    def _read_answer(self, sock: socket.socket) -> None:
        while b"\r\n\r\n" not in self.received:
            self.received += sock.recv(65536)
        head, _, body = self.received.partition(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        while len(body) < length:
            body += sock.recv(65536)

    def _read_until_closed(self, sock: socket.socket) -> None:
        try:
            while chunk := sock.recv(65536):
                self.received += chunk
        except TimeoutError:
            self.gave_up = True
        except OSError:  # reset by the server: closed too
            pass


def error_of(received: bytes) -> tuple[int, str]:
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    assert b"content-type: application/json" in head.lower()
    error = json.loads(body)["error"]
    assert list(error) == ["status", "code", "message", "details"]
    return status, str(error["code"])


def test_slow_clients_are_closed_and_others_answered(
    kb_api: ApiStarter, small_kb: Path, tmp_path: Path
) -> None:
    api = kb_api(
        small_kb / ".kb" / "index",
        f"sqlite:///{tmp_path / 'kb.sqlite3'}",
        workers=1,
        KB_HEADER_TIMEOUT=str(DEADLINE),
        KB_BODY_TIMEOUT=str(DEADLINE),
        KB_KEEP_ALIVE_TIMEOUT=str(DEADLINE),
    )
    with httpx.Client(base_url=api.url, timeout=30) as client:  # the index opened, warm
        assert client.get("/api/search", params={"q": "quota"}).status_code == 200
    kinds = ["head a byte a second"] * 3 + ["body that stops"] * 2
    kinds += ["sends nothing", "idle keep-alive"]
    clients = [SlowClient(api.port, kind) for kind in kinds]
    time.sleep(0.5)
    # The server answers others while the slow ones are connected (one worker: same loop).
    started = time.monotonic()
    with httpx.Client(base_url=api.url, timeout=5) as client:
        assert client.get("/api/search", params={"q": "quota"}).status_code == 200
    assert time.monotonic() - started < 2.0
    for c in clients:
        c.thread.join(GIVE_UP + 5)
    for c in clients:
        assert c.closed_after is not None, f"{c.kind}: still open after {GIVE_UP} s"
        assert DEADLINE - 0.2 <= c.closed_after <= DEADLINE + SLACK, (c.kind, c.closed_after)
        if c.kind in ("head a byte a second", "body that stops"):
            assert error_of(c.received) == (408, "request_timeout"), c.kind
        else:
            assert c.received == b"", c.kind  # closed without a word
    output = api.stop()
    assert "request head took over 2 s" in output
    assert "request body took over 2 s" in output

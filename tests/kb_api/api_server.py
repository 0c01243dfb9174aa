"""The live server of the API tests, and raw HTTP for what httpx will not send (imported
by conftest.py and the tests)."""

from __future__ import annotations

import socket
import time

import httpx

from tests.live_server import LiveServer, free_port

__all__ = ["WIDGET_ORIGIN", "LiveServer", "free_port", "parse_response", "raw_request"]

WIDGET_ORIGIN = "http://tickets.example.test"


def parse_response(data: bytes) -> httpx.Response:
    """The first HTTP/1.1 answer in ``data`` (status line, headers, Content-Length body)."""
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines]
    length = next((int(v) for k, v in headers if k.lower() == "content-length"), len(rest))
    return httpx.Response(int(status_line.split()[1]), headers=headers, content=rest[:length])


def raw_request(
    port: int, *parts: bytes, pause: float = 0.0, timeout: float = 15.0
) -> tuple[bytes, float]:
    """Send ``parts`` (``pause`` seconds apart) on a new connection, read until the server
    closes it: everything it sent, and the seconds from connecting to the close."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        started = time.monotonic()
        for i, part in enumerate(parts):
            if i and pause:
                time.sleep(pause)
            sock.sendall(part)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received, time.monotonic() - started

"""A small object store for the tests: GET and PUT of files under one folder, over HTTP.

Like an object store it has no listing and no rename: a PUT writes one object, a GET
reads it or answers 404. With ``token``, every request must carry ``Bearer <token>``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import unquote

from tests.live_server import free_port

__all__ = ["PutServer"]


class PutServer:
    """``with PutServer(folder) as store: push(..., store.url + "/kb")``."""

    def __init__(self, root: Path, *, token: str | None = None) -> None:
        self.root = root
        self.token = token
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.puts: list[str] = []
        self.gets: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _path(self) -> Path | None:
                if server.token and self.headers.get("Authorization") != f"Bearer {server.token}":
                    self.send_response(403)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                rel = unquote(self.path.split("?", 1)[0]).lstrip("/")
                if ".." in rel.split("/"):
                    self.send_response(400)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                return server.root / rel

            def do_GET(self) -> None:
                path = self._path()
                if path is None:
                    return
                server.gets.append(self.path)
                if not path.is_file():
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self) -> None:
                path = self._path()
                if path is None:
                    return
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                server.puts.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

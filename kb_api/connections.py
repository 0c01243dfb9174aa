"""How long and how much a client may send before the app sees its request (``kb api``).

uvicorn (0.5x) has one connection timeout, ``timeout_keep_alive``: how long an idle
connection is kept *between* requests. It is armed only after an answer and disarmed by
any byte, so a client that connects and sends nothing, or sends a request's head or body
a byte a second, holds its connection (a socket, a file descriptor) for as long as it
likes; and httptools sets no limit on the size of a request's head. ASGI middleware
cannot help: it runs once the head is complete. :class:`GuardedHttpToolsProtocol` is
uvicorn's httptools protocol with, per connection:

- a **head deadline**: the request line and headers must have arrived ``header_timeout``
  seconds after the connection was made (first request) or after the request's first
  byte (later ones on a keep-alive connection). Else 408 ``request_timeout`` and the
  connection is closed; a connection that sent nothing at all is closed without a word;
- a **body deadline**: the whole body must have arrived ``body_timeout`` seconds after
  the head. Else 408 (or, if the app has started answering, the connection is closed);
- a **head size limit**: :data:`MAX_HEAD_BYTES`; beyond it 431 ``headers_too_large``;
- uvicorn's answer to what cannot be parsed (400), in the API's one error shape
  (``invalid_http``) rather than ``text/plain``.

The idle timeout between requests stays uvicorn's ``timeout_keep_alive``.
:func:`connection_options` gives uvicorn all three from :class:`kb_api.Settings`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from kb_api.errors import error_json
from kb_api.settings import Settings

__all__ = ["MAX_HEAD_BYTES", "GuardedHttpToolsProtocol", "connection_options", "protocol_class"]

log = logging.getLogger(__name__)

MAX_HEAD_BYTES = 64 * 1024
"""Largest request head (request line and headers) accepted: nginx's default buffers
hold 32 KiB, and the API's requests carry a few hundred bytes."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with head and body deadlines (see the module's doc).

    Use :func:`protocol_class` for one with the deadlines of some settings.
    """

    header_timeout: float = Settings.header_timeout
    """Seconds a request's head may take to arrive."""
    body_timeout: float = Settings.body_timeout
    """Seconds a request's body may take to arrive after its head."""
    max_head_bytes: int = MAX_HEAD_BYTES
    """Bytes a request's head may have."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._awaiting_head = True
        self._head_bytes = 0
        self._request_begun = False

    # -- the deadline ---------------------------------------------------------------------

    def _arm(self, seconds: float, on_expiry: Any) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, on_expiry)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    # -- connection and parser events -----------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout, self._head_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head:
            self._head_bytes += len(data)
        super().data_received(data)
        # Checked after parsing: a chunk that completed the head counts as a head no more.
        if (
            self._awaiting_head
            and self._head_bytes > self.max_head_bytes
            and not self.transport.is_closing()
        ):
            self._refuse(431, "headers_too_large", self._too_large)

    @property
    def _too_large(self) -> str:
        return f"the request line and headers are larger than {self.max_head_bytes} bytes"

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._awaiting_head = True
        self._request_begun = True
        if self._deadline is None:  # a later request: its head is timed from its first byte
            self._arm(self.header_timeout, self._head_too_slow)

    def on_headers_complete(self) -> None:
        self._awaiting_head = False
        self._head_bytes = 0
        if self.transport.is_closing():  # refused already: parse nothing more
            return
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.max_head_bytes:  # a head that arrived whole in one large read
            self._refuse(431, "headers_too_large", self._too_large)
            return
        self._arm(self.body_timeout, self._body_too_slow)
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.transport.is_closing():
            super().on_body(body)

    def on_message_complete(self) -> None:
        self._disarm()
        self._request_begun = False
        if not self.transport.is_closing():
            super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, "invalid_http", "the request is not valid HTTP/1.1")

    # -- expiry ---------------------------------------------------------------------------

    def _head_too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            # An answer to the previous (pipelined) request is under way: let it finish,
            # then close, rather than write a second answer into it.
            self.cycle.keep_alive = False
            self.transport.pause_reading()
            return
        if not self._request_begun and self._head_bytes == 0:
            log.debug("closed a connection that sent no request in %g s", self.header_timeout)
            self.transport.close()
            return
        log.info("closed a connection: its request head took over %g s", self.header_timeout)
        self._refuse(
            408,
            "request_timeout",
            f"the request line and headers did not arrive within {self.header_timeout:g} s",
        )

    def _body_too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        log.info("closed a connection: its request body took over %g s", self.body_timeout)
        if self.cycle is not None and self.cycle.response_started:
            self.transport.close()
            return
        self._refuse(
            408,
            "request_timeout",
            f"the request body did not arrive within {self.body_timeout:g} s of its headers",
        )

    def _refuse(self, status: int, code: str, message: str) -> None:
        """Answer in the one error shape, then close the connection."""
        if self.transport.is_closing():
            return
        body = error_json(status, code, message)
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def protocol_class(settings: Settings) -> type[GuardedHttpToolsProtocol]:
    """:class:`GuardedHttpToolsProtocol` with the deadlines of ``settings``."""
    return type(
        "KbHttpProtocol",
        (GuardedHttpToolsProtocol,),
        {
            "__module__": __name__,
            "header_timeout": settings.header_timeout,
            "body_timeout": settings.body_timeout,
        },
    )


def connection_options(settings: Settings) -> dict[str, Any]:
    """The uvicorn options (``uvicorn.Config`` keywords) that set a connection's limits."""
    return {"http": protocol_class(settings), "timeout_keep_alive": settings.keep_alive_timeout}

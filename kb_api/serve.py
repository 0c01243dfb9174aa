"""Run the API alone (``kb api``): N worker processes over one read-only index.

Equivalent command line, for a process manager or a container::

    KB_INDEX_DIR=/srv/kb/.kb/index KB_CORS_ORIGINS=https://billing.example.com \\
        uvicorn --factory kb_api:create_app --host 0.0.0.0 --port 8001 --workers 4 \\
        --proxy-headers --forwarded-allow-ips=10.0.0.0/8

Every worker reads the same ``KB_*`` variables, opens the index itself and keeps no
state other than its rate-limit counters, so replicas can sit behind a load balancer.
"""

from __future__ import annotations

import logging
import os

from kb_api.settings import Settings

__all__ = ["serve_main"]

log = logging.getLogger(__name__)


def serve_main(
    settings: Settings | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    workers: int = 1,
    forwarded_allow_ips: str | None = None,
    log_level: str = "info",
    access_log: bool = True,
) -> None:
    """Serve the API with uvicorn until interrupted.

    Args:
        settings: Written to the ``KB_*`` environment so that worker processes, which
            build the app with :func:`kb_api.create_app`, get the same settings.
        workers: Worker processes (each holds its own index handle).
        forwarded_allow_ips: Load balancer addresses whose ``X-Forwarded-For`` is trusted,
            so that the rate limit counts real clients.
    """
    import uvicorn

    if workers > 1:
        _bind_tcp_sockets()
    settings = settings or Settings.from_env()
    os.environ.update(settings.to_env())
    log.info(
        "serving the API on http://%s:%d with %d worker(s), index %s",
        host,
        port,
        workers,
        settings.index_dir,
    )
    uvicorn.run(
        "kb_api:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
        log_level=log_level,
        access_log=access_log,
    )


def _bind_tcp_sockets() -> None:
    """Make uvicorn's multi-worker listening socket an explicit TCP socket.

    With ``workers > 1`` uvicorn binds the socket itself as ``socket.socket(family)``,
    whose ``proto`` is 0; asyncio sets TCP_NODELAY only on sockets whose proto is TCP, so
    every keep-alive answer then waited for the client's delayed ACK: about 40 ms each
    (uvicorn issue #3149, measured by bench/serve.py: health 175 -> 1,168 requests/s).
    Remove when uvicorn marks the socket itself.
    """
    import socket

    import uvicorn.config

    bind = uvicorn.config.Config.bind_socket
    if getattr(bind, "_kb_tcp", False):
        return

    def bind_tcp(self: uvicorn.config.Config) -> socket.socket:
        sock = bind(self)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
            sock.set_inheritable(True)
        return sock

    bind_tcp._kb_tcp = True  # type: ignore[attr-defined]
    uvicorn.config.Config.bind_socket = bind_tcp  # type: ignore[method-assign]

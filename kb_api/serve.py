"""Run the API alone (``kb api``): N worker processes over one read-only index.

Every worker reads the same ``KB_*`` variables, opens the index itself and keeps no
state other than its rate-limit counters, so replicas can sit behind a load balancer.

With several workers, each one listens on a socket of its own bound with
``SO_REUSEPORT``, and the kernel spreads new connections across them. uvicorn's own
``--workers`` mode shares one socket instead: the worker that wakes first accepts every
connection waiting (asyncio accepts in batches), so with keep-alive clients one worker
could end up with all of them and one core doing all the work (bench/serve.py saw it),
and its socket is created without ``IPPROTO_TCP``, so TCP_NODELAY is never set and every
keep-alive answer waited ~40 ms for a delayed ACK (uvicorn issue #3149).

Connections: every worker runs uvicorn with :mod:`kb_api.connections`' protocol, which
closes clients that send a request's head or body too slowly (``KB_HEADER_TIMEOUT``,
``KB_BODY_TIMEOUT``) and answers what it refuses in the API's error shape; idle
keep-alive connections close after ``KB_KEEP_ALIVE_TIMEOUT``.

Logging: uvicorn's access log is off (it records the query string and the client
address); :mod:`kb_api.observability` writes one line per request instead, in
``KB_LOG_FORMAT``. Metrics: the workers share a ``PROMETHEUS_MULTIPROC_DIR`` that this
module creates (or, when the variable is set, empties) before they start.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import logging.config
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kb_api.settings import Settings

__all__ = ["serve_main"]

log = logging.getLogger(__name__)

#: A worker that dies is restarted, but not more often than this (seconds).
RESTART_PAUSE = 1.0


def serve_main(
    settings: Settings | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    workers: int = 1,
    forwarded_allow_ips: str | None = None,
    log_level: str = "info",
    access_log: bool = False,
    index_from: str | None = None,
    poll_seconds: float = 30.0,
) -> None:
    """Serve the API with uvicorn until interrupted.

    Args:
        settings: Written to the ``KB_*`` environment so that worker processes, which
            build the app with :func:`kb_api.create_app`, get the same settings.
        workers: Worker processes (each holds its own index handle and socket).
        forwarded_allow_ips: Load balancer addresses whose ``X-Forwarded-For`` is trusted,
            so that the rate limit counts real clients.
        access_log: uvicorn's own access log (it logs query strings and client
            addresses: leave it off; the API logs one line per request itself).
        index_from: A release location (directory or http(s) URL): the index is fetched
            from it, verified, installed at ``settings.index_dir`` and followed every
            ``poll_seconds`` (:mod:`kb_api.index_follower`).
    """
    settings = settings or Settings.from_env()
    os.environ.update(settings.to_env())
    from kb_api.observability import log_config

    logging_config = log_config(settings.log_format, log_level)
    # dictConfig consumes parts of the dict it is given: each user gets a copy.
    logging.config.dictConfig(copy.deepcopy(logging_config))
    with _metrics_dir(), _following(index_from, settings.index_dir, poll_seconds):
        _serve(
            settings, host, port, workers, forwarded_allow_ips, log_level, access_log,
            copy.deepcopy(logging_config),
        )  # fmt: skip


@contextlib.contextmanager
def _following(source: str | None, index_dir: Path, poll_seconds: float) -> Iterator[None]:
    """With a release source: install its newest index now, then follow it."""
    if source is None:
        yield
        return
    from kb_api.index_follower import IndexFollower

    follower = IndexFollower(source, index_dir, interval=poll_seconds)
    follower.sync()  # before serving, so that the first answers come from it
    follower.start()
    try:
        yield
    finally:
        follower.stop()


@contextlib.contextmanager
def _metrics_dir() -> Iterator[Path]:
    """``PROMETHEUS_MULTIPROC_DIR`` for the workers: the operator's (emptied of the last
    run's files) or a temporary one, removed at exit."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="kb-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    try:
        yield path
    finally:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        shutil.rmtree(path, ignore_errors=True)


def _serve(
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    forwarded_allow_ips: str | None,
    log_level: str,
    access_log: bool,
    logging_config: dict[str, Any],
) -> None:
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "proxy_headers": forwarded_allow_ips is not None,
        "forwarded_allow_ips": forwarded_allow_ips,
        "log_level": log_level,
        "access_log": access_log,
        "log_config": logging_config,
    }
    log.info(
        "serving the API on http://%s:%d with %d worker(s), index %s",
        host,
        port,
        workers,
        settings.index_dir,
    )
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        import uvicorn

        from kb_api.connections import connection_options

        guards = connection_options(settings)
        if workers > 1:  # no SO_REUSEPORT (Windows): uvicorn pickles the options, not a class
            del guards["http"]
        options.update(guards)
        uvicorn.run("kb_api:create_app", factory=True, workers=workers, **options)
        return
    # Fail now, in the parent, if the address is taken (the workers would each fail).
    probe = _listening_socket(host, port)
    try:
        _supervise(workers, options, settings)
    finally:
        probe.close()


def _listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound with SO_REUSEPORT (not listening: it takes no connections)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(options: dict[str, Any], settings: Settings) -> None:
    """One worker process: its own SO_REUSEPORT socket, one uvicorn server."""
    import uvicorn

    from kb_api.connections import connection_options

    sock = _listening_socket(options["host"], options["port"])
    config = uvicorn.Config(
        "kb_api:create_app", factory=True, **options, **connection_options(settings)
    )
    uvicorn.Server(config).run(sockets=[sock])


def _supervise(workers: int, options: dict[str, Any], settings: Settings) -> None:
    """Start ``workers`` processes, restart any that dies, stop them all on a signal."""
    context = multiprocessing.get_context("spawn")
    procs: list[Any] = []
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        procs = [context.Process(target=_worker, args=(options, settings)) for _ in range(workers)]
        for proc in procs:
            proc.start()
        while not stopping:
            time.sleep(0.2)
            for i, proc in enumerate(procs):
                if not proc.is_alive() and not stopping:
                    log.warning("API worker %d exited with %s; restarting", i, proc.exitcode)
                    time.sleep(RESTART_PAUSE)
                    procs[i] = context.Process(target=_worker, args=(options, settings))
                    procs[i].start()
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()  # uvicorn finishes open requests, then exits
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
        for signum, handler in previous.items():
            signal.signal(signum, handler)

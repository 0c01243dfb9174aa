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

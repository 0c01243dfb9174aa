"""Fixtures of the deployment tests: a small real site built by `kb build`, the real
`kb api` in its own process, and Debian's real nginx rendered from deploy/."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REPO, SiteFactory, article, minimal_sections, wait_for
from tests.live_server import free_port

KB = str(Path(sys.executable).with_name("kb"))
DEMO_FORM = """\
Type your problem below.

<!-- kb:ticket-demo -->
"""

ARTICLES = {
    "email/quota.md": article(
        "Mailbox quota is full",
        "When a mailbox reaches its quota, new mail bounces with *mailbox full*. Raise the "
        "quota in cPanel under Email Accounts, or delete old messages to free disk space.",
        summary="Why mail bounces when a mailbox quota is full, and how to raise the quota.",
        tags="email",
    ),
    "email/bounces-ndr.md": article(
        "Understanding bounce messages",
        "A bounce (non-delivery report) says why a message was not delivered: 552 message "
        "size exceeds fixed limit means the attachment is too large for the remote server.",
        summary="Read a bounce message, for example 552 message size exceeds limit.",
        tags="email",
    ),
    "whm/ssl-autossl.md": article(
        "AutoSSL certificates",
        "AutoSSL issues free certificates. When AutoSSL fails, check the DCV validation.",
        summary="Fix AutoSSL failures, domain control validation (DCV) and DNS.",
        tags="ssl",
    ),
    "support/open-a-ticket.md": article(
        "Before you open a ticket",
        DEMO_FORM,
        summary="Describe your problem and see the articles that may solve it.",
        tags="support",
    ),
}


@pytest.fixture(scope="session")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small knowledge base (a few articles and the ticket demo page) built by `kb build`:
    ``root/site`` and ``root/.kb/index``."""
    root = tmp_path_factory.mktemp("deploy-kb")
    SiteFactory(root).write({**minimal_sections(), **ARTICLES}, plugin={"search_index": True})
    done = subprocess.run([KB, "build"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@dataclass
class ApiProcess:
    """`kb api` in its own process; everything it prints goes to ``log``."""

    url: str
    port: int
    log: Path
    proc: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> str:
        """Stop it (SIGTERM: the graceful path) and return all it printed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.output()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


class ApiStarter:
    """Starts `kb api` processes (``--host localhost``: its own start-up lines then hold no
    address) and stops them all at the end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.started: list[ApiProcess] = []

    def __call__(
        self,
        index_dir: Path,
        database_url: str,
        *,
        workers: int = 2,
        options: tuple[str, ...] = (),
        **env: str,
    ) -> ApiProcess:
        port = free_port()
        log = self.tmp / f"kb-api-{port}.log"
        environ = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("KB_", "PROMETHEUS_"))},
            "KB_INDEX_DIR": str(index_dir),
            "KB_DATABASE_URL": database_url,
            "KB_RATE_LIMIT": "0/minute",
            **env,
        }
        args = [KB, "api", "--host", "localhost", "--port", str(port), "--workers", str(workers)]
        args += options
        with log.open("wb") as out:
            proc = subprocess.Popen(
                args, cwd=self.tmp, env=environ, stdout=out, stderr=subprocess.STDOUT
            )
        api = ApiProcess(f"http://127.0.0.1:{port}", port, log, proc, environ)
        self.started.append(api)
        try:
            wait_for(api.url + "/api/livez", proc=proc)
        except (RuntimeError, TimeoutError):
            pytest.fail(f"kb api did not start:\n{api.stop()}")
        return api

    def stop_all(self) -> None:
        for api in self.started:
            api.stop()


@pytest.fixture
def kb_api(tmp_path: Path) -> Iterator[ApiStarter]:
    """Start `kb api` processes for a test."""
    starter = ApiStarter(tmp_path)
    yield starter
    starter.stop_all()


@dataclass
class Nginx:
    """Debian's nginx with the rendered kit, on a free loopback port."""

    url: str
    prefix: Path
    conf_dir: Path
    proc: subprocess.Popen[bytes]

    @property
    def access_log(self) -> Path:
        return self.prefix / "logs" / "kb-access.log"

    @property
    def error_log(self) -> Path:
        return self.prefix / "logs" / "kb-error.log"


MAIN_CONF = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {prefix}/nginx.pid;
error_log {prefix}/logs/main-error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {conf_dir}/kb.conf;
}}
"""


def render_nginx(root: Path, out: Path, **options: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, str(REPO / "deploy" / "render-nginx"), "--root", str(root)]
    args += ["--out", str(out)]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", value]
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def start_nginx(root: Path, prefix: Path, api_port: int, **options: str) -> Nginx:
    if shutil.which("nginx") is None:
        pytest.fail("nginx is not installed: run scripts/test (it installs Debian's nginx)")
    port = free_port()
    conf_dir = prefix / "conf"
    for sub in ("logs", "tmp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    done = render_nginx(
        root,
        conf_dir,
        listen=f"127.0.0.1:{port}",
        api=f"127.0.0.1:{api_port}",
        log_dir=str(prefix / "logs"),
        **options,
    )
    assert done.returncode == 0, done.stderr
    # As root, workers would run as nobody and could not read a private tmp dir.
    user = "user root;" if os.geteuid() == 0 else ""
    main = prefix / "nginx.conf"
    main.write_text(MAIN_CONF.format(user=user, prefix=prefix, conf_dir=conf_dir))
    test = subprocess.run(
        ["nginx", "-t", "-q", "-c", str(main), "-p", str(prefix)], capture_output=True, text=True
    )
    assert test.returncode == 0, test.stderr
    with (prefix / "logs" / "stderr.log").open("wb") as out:
        proc = subprocess.Popen(
            ["nginx", "-c", str(main), "-p", str(prefix)], stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/", proc=proc)
    return Nginx(url, prefix, conf_dir, proc)


def stop_nginx(nginx: Nginx) -> None:
    if nginx.proc.poll() is None:
        nginx.proc.send_signal(signal.SIGQUIT)  # graceful: finishes open requests
        try:
            nginx.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            nginx.proc.kill()
            nginx.proc.wait()

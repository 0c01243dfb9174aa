"""The systemd units of deploy/ are valid (systemd-analyze verify) and hardened."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

UNITS = REPO / "deploy" / "systemd"


def test_units_verify(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.fail("systemd-analyze is not installed: run scripts/test (it installs systemd)")
    kb = Path(sys.executable).with_name("kb")
    # The units name /srv/kb: point them at this checkout so the executables exist.
    for unit in UNITS.iterdir():
        text = unit.read_text()
        text = text.replace("/srv/kb/.venv/bin/kb", str(kb))
        text = text.replace("/srv/kb/deploy/", f"{REPO}/deploy/")
        text = text.replace("EnvironmentFile=/etc/kb/kb.env", "EnvironmentFile=-/etc/kb/kb.env")
        (tmp_path / unit.name).write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kb-" not in done.stderr, done.stderr  # no warning about our units


def test_the_api_unit_is_hardened() -> None:
    text = (UNITS / "kb-api.service").read_text()
    for line in ("DynamicUser=yes", "ProtectSystem=strict", "ReadWritePaths=/srv/kb/.kb",
                 "NoNewPrivileges=yes", "PrivateTmp=yes", "CapabilityBoundingSet=",
                 "Environment=PROMETHEUS_MULTIPROC_DIR=/run/kb-api/metrics",
                 "RuntimeDirectory=kb-api"):  # fmt: skip
        assert f"\n{line}\n" in text, line
    assert "--forwarded-allow-ips=127.0.0.1" in text  # behind nginx on the same host


def test_rebuild_script_parses() -> None:
    done = subprocess.run(["bash", "-n", str(REPO / "deploy" / "kb-rebuild")], capture_output=True)
    assert done.returncode == 0, done.stderr

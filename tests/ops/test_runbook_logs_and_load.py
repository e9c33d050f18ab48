"""RUNBOOK §5 (the log archive) and §8 (measuring with wrk) run as written."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile

import pytest

from minimarket_dash.logs import fingerprint
from tests.live import PROJECT_ROOT, start_live_server
from tests.ops.helpers import block_with

KEY = "wrk-key-0123456789abcdef"


def sh(script: str, cwd, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    full.update(env or {})
    # An operator's usual umask: what the command makes must not depend on it.
    return subprocess.run(
        ["bash", "-c", f"umask 022; {script}"],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_log_archive_is_private_and_ignored_by_git(tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "dashboard.log").write_text('{"client_ip": "203.0.113.7"}\n')
    command = block_with("(umask 077 && mkdir -p respaldos && tar czf")
    done = sh(command, tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logs", "respaldos"]
    (archive,) = (tmp_path / "respaldos").iterdir()
    assert re.fullmatch(r"logs-\d{8}-\d{4}\.tar\.gz", archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "respaldos").stat().st_mode & 0o777 == 0o700
    with tarfile.open(archive) as tar:
        assert "logs/dashboard.log" in tar.getnames()
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", f"respaldos/{archive.name}"], cwd=PROJECT_ROOT
    )
    assert ignored.returncode == 0  # never committed by accident from the checkout


@pytest.mark.live
def test_the_wrk_example_measures_the_api_not_a_redirect(tiny_sqlite_url):
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_API_KEY": KEY,
            "DASHBOARD_AUTH": "users",
            "DASHBOARD_RATELIMIT_MAX": "1000000",
        },
        workers=2,
    )
    command = block_with(
        "wrk -t2 -c20 -d30s --latency -s scripts/wrk_api.lua http://127.0.0.1:8080"
    )
    command = command.replace("-d30s", "-d3s").replace("http://127.0.0.1:8080", server.url)
    try:
        done = sh(command, PROJECT_ROOT, {"DASHBOARD_API_KEY": f"{KEY},otra-clave-0123456789"})
        without_key = sh(command.replace("-d3s", "-d1s"), PROJECT_ROOT)
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr
    assert "Requests/sec" in done.stdout
    assert done.stdout.splitlines()[-1] == "respuestas distintas de 200: 0"
    assert KEY not in done.stdout + done.stderr
    access = [
        json.loads(line)
        for line in (server.log_dir / "dashboard.log").read_text().splitlines()
        if '"minimarket_dash.access"' in line
    ]
    routes = {
        (line["route"], line["status"]) for line in access if line["key_id"] == fingerprint(KEY)
    }  # the run with the key
    assert routes == {
        ("/api/summary", 200),
        ("/api/providers", 200),
        ("/api/top-products", 200),
        ("/api/stock-timeline", 200),
        ("/api/low-stock", 200),
    }
    # Without the key every answer is a 401, and the last line says so.
    assert "falta DASHBOARD_API_KEY" in without_key.stderr
    last = without_key.stdout.splitlines()[-1]
    assert last.startswith("respuestas distintas de 200: ") and not last.endswith(": 0")

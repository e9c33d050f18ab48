"""The RUNBOOK procedures of issue 16, run as written (paths and URLs substituted) on live servers.

Each test takes its commands from RUNBOOK.md itself, so a procedure edited into something that
does not work fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from minimarket_dash.logs import fingerprint
from tests.live import PROJECT_ROOT, start_live_server
from tests.ops.helpers import RUNBOOK, block_with, wait_for
from tests.ops.load import Load

VENV_BIN = str(Path(sys.executable).parent)
OLD = "runbook-old-key-0123456789abcdef"
pytestmark = pytest.mark.live


def line_with(start: str) -> str:
    """Return the one RUNBOOK line (code block or inline code) that starts with `start`."""
    lines = [ln.strip() for ln in RUNBOOK.read_text().splitlines()]
    lines += re.findall(r"`([^`]+)`", RUNBOOK.read_text())
    found = sorted({ln for ln in lines if ln.startswith(start)})
    assert len(found) == 1, (start, found)
    return found[0]


def sh(script: str, cwd: Path, env: dict[str, str] | None = None, shell: str = "bash"):
    full = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    full.update(env or {})
    return subprocess.run(
        [shell, "-c", script], cwd=cwd, env=full, capture_output=True, text=True, timeout=120
    )


def keys_of(env_file: Path) -> list[str]:
    line = next(
        ln for ln in env_file.read_text().splitlines() if ln.startswith("DASHBOARD_API_KEY=")
    )
    return line.split("=", 1)[1].split(",")


def status(url: str, key: str) -> int:
    return requests.get(url + "/api/summary", headers={"X-API-Key": key}, timeout=60).status_code


@pytest.fixture
def workdir(tmp_path, tiny_sqlite_url) -> Path:
    """An operator's folder: scripts/, .venv/, data/minimarket.db, .env.dashboard, logs/."""
    (tmp_path / "scripts").symlink_to(PROJECT_ROOT / "scripts")
    (tmp_path / ".venv").symlink_to(Path(VENV_BIN).parent)
    (tmp_path / "data").mkdir()
    (tmp_path / "logs").mkdir()
    shutil.copy(tiny_sqlite_url.removeprefix("sqlite:///"), tmp_path / "data" / "minimarket.db")
    env_file = tmp_path / ".env.dashboard"
    env_file.write_text(f"DASHBOARD_API_KEY={OLD}\nDASHBOARD_RATELIMIT_MAX=100000\n")
    env_file.chmod(0o600)
    return tmp_path


def test_rotation_with_reloads_and_checks_as_written(workdir):
    env_file, pidfile = workdir / ".env.dashboard", workdir / "gunicorn.pid"
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": f"sqlite:///{workdir / 'data' / 'minimarket.db'}",
            "DASHBOARD_ENV_FILE": str(env_file),
            "GUNICORN_CMD_ARGS": f"--pid {pidfile}",
        },
        script=True,
    )
    url = server.url

    def run(script: str):
        script = script.replace("http://127.0.0.1:8080", url)
        script = script.replace("/run/minimarket-dash/gunicorn.pid", str(pidfile))
        done = sh(script, workdir)
        assert done.returncode == 0, (script, done.stdout, done.stderr)
        return done.stdout

    reload_line = line_with('kill -HUP "$(cat /run/minimarket-dash/gunicorn.pid)"')
    check_loop = block_with(
        "grep '^DASHBOARD_API_KEY=' .env.dashboard | cut -d= -f2 | cut -d, -f1 |"
    )
    try:
        with Load(url, ("/health",), threads=2) as load:
            started = run(
                block_with(
                    "scripts/rotate_dashboard_api_key.sh --env-file .env.dashboard", exact=True
                )
            )
            new, old = keys_of(env_file)
            assert f"huella {fingerprint(new)}" in started
            assert f"huella {fingerprint(old)}" in started  # step 1: fingerprints to note
            run(reload_line)
            assert wait_for(lambda: status(url, new) == 200, 30)
            assert run(check_loop).splitlines() == ["nueva: 200", "anterior: 200"]
            finish = block_with("(umask 077; grep")
            run(finish)
            assert (workdir / ".clave-anterior").read_text().strip() == OLD
            assert keys_of(env_file) == [new]
            run(reload_line)
            assert wait_for(lambda: status(url, OLD) == 401, 30)
            assert run(block_with("{ IFS= read -r clave;")).strip() == "401"
            assert not (workdir / ".clave-anterior").exists()
            assert run(check_loop).splitlines() == ["nueva: 200", "anterior: 401"]
        assert load.refused == 0 and load.server_errors() == {}
        who = run(
            block_with('jq -r \'select(.logger == "minimarket_dash.access"').replace(
                "logs/dashboard.log", str(server.log_dir / "dashboard.log")
            )
        )
        assert fingerprint(new) in who and fingerprint(OLD) in who
        assert "python-requests" in who and new not in who and OLD not in who
    finally:
        server.stop()


def test_usr2_release_procedure_as_written(workdir):
    pidfile = workdir / "gunicorn.pid"
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": f"sqlite:///{workdir / 'data' / 'minimarket.db'}",
            "GUNICORN_CMD_ARGS": f"--pid {pidfile}",
        },
        script=True,
    )
    old_master = server.process.pid
    procedure = block_with('PID=/run/minimarket-dash/gunicorn.pid; VIEJO=$(cat "$PID")')
    procedure = procedure.replace("/run/minimarket-dash/gunicorn.pid", str(pidfile))
    procedure = procedure.replace("http://127.0.0.1:8080", server.url)
    new_master = None
    try:
        with Load(server.url, ("/health", "/"), threads=4) as load:
            done = sh(procedure, workdir)
            assert done.returncode == 0, done.stderr
            server.process.wait(timeout=40)
            new_master = wait_for(
                lambda: _pid(pidfile) not in (None, old_master) and _pid(pidfile), 20
            )
            time.sleep(1)
        assert new_master
        assert load.refused == 0 and not load.other_errors
        assert load.server_errors() == {}
        assert '"status": "ok"' in done.stdout or '"status":"ok"' in done.stdout
    finally:
        server.stop()
        if new_master:
            os.kill(new_master, signal.SIGTERM)
            wait_for(lambda: not Path(f"/proc/{new_master}").exists(), 40)


def _pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def test_prometheus_key_file_steps_as_written(workdir):
    (workdir / "deploy" / "secrets").mkdir(parents=True)
    target = workdir / "deploy" / "secrets" / "prometheus_dashboard_key"
    target.write_text("clave-vieja")
    (workdir / ".env.dashboard").write_text(f"DASHBOARD_API_KEY={OLD},otra-clave-0123456789\n")
    done = sh(block_with("tmp=$(mktemp deploy/secrets/.prometheus_dashboard_key.XXXXXX)"), workdir)
    assert done.returncode == 0, done.stderr
    assert target.read_text() == OLD
    info = target.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (65534, 65534, 0o400)
    assert sorted(p.name for p in target.parent.iterdir()) == ["prometheus_dashboard_key"]


def test_refresh_as_written_reads_the_database_only(workdir):
    database = workdir / "data" / "minimarket.db"
    before = database.read_bytes()
    command = block_with(".venv/bin/minimarket-dash refresh")
    # The operator runs it in the service's folder with the service's environment.
    env = {
        "PATH": "/usr/bin:/bin",
        "DASHBOARD_DATABASE_URL": f"sqlite:///{database}",
        "DASHBOARD_STATE_DIR": str(workdir / "data"),
    }
    done = subprocess.run(
        ["/bin/sh", "-c", command],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Resúmenes reconstruidos en" in done.stdout and "Listo" in done.stdout
    stores = list((workdir / "data").glob("resumenes-minimarket-*.sqlite"))
    assert len(stores) == 1
    conn = sqlite3.connect(stores[0])
    keys = {row[0] for row in conn.execute("SELECT clave FROM mm_estado")}
    conn.close()
    assert {"hasta", "hasta_dia", "actualizado", "completo", "origen"} <= keys
    assert database.read_bytes() == before  # the minimarket's file is only read


def test_version_check_as_written(workdir):
    from minimarket_dash import __version__

    server = start_live_server(
        {"DASHBOARD_DATABASE_URL": f"sqlite:///{workdir / 'data' / 'minimarket.db'}"}
    )
    try:
        check = block_with('test "$(curl -s http://127.0.0.1:8080/health').splitlines()[0]
        check = check.replace("http://127.0.0.1:8080", server.url)
        good = sh(check.replace("= 1.0.0rc1", f"= {__version__}"), workdir)
        assert good.returncode == 0 and good.stdout.strip() == "versión correcta"
        assert sh(check, workdir).returncode != 0  # another version: the check fails
    finally:
        server.stop()

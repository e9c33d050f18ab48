"""deploy/systemd: the units pass `systemd-analyze verify`, and a restart behind a held socket
(what minimarket-dash.socket does) refuses no connection, measured against a real gunicorn.

systemd itself cannot run in the test machines (no PID 1 systemd), so the socket activation is
reproduced as systemd does it: the socket opened by a parent, passed as fd 3 with LISTEN_FDS=1
and LISTEN_PID set to gunicorn's own pid.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.live import GUNICORN_CONF, PROJECT_ROOT
from tests.ops.load import Load

UNITS = PROJECT_ROOT / "deploy" / "systemd"
SERVICE = UNITS / "minimarket-dash.service"
SOCKET = UNITS / "minimarket-dash.socket"
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "CapabilityBoundingSet": "",
    "RestrictSUIDSGID": "yes",
}


def unit(path: Path) -> dict[str, dict[str, str]]:
    """Parse a unit file: section -> key -> value (repeated keys joined with newlines)."""
    sections: dict[str, dict[str, str]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current[key] = f"{current[key]}\n{value}" if key in current else value
    return sections


def test_the_service_has_env_file_user_restart_and_hardening():
    service = unit(SERVICE)["Service"]
    assert service["EnvironmentFile"] == "/etc/minimarket-dash/dashboard.env"
    assert "DASHBOARD_ENV_FILE=/etc/minimarket-dash/dashboard.env" in service["Environment"]
    assert service["User"] not in ("", "root") and service["Group"] != "root"
    assert service["Restart"] == "on-failure"
    assert service["ExecReload"] == "/bin/kill -s HUP $MAINPID"
    assert "/.venv/bin/gunicorn -c minimarket_dash/gunicorn_conf.py" in service["ExecStart"]
    for key, value in HARDENING.items():
        assert service[key] == value, key
    assert unit(SERVICE)["Unit"]["Requires"] == "minimarket-dash.socket"
    assert unit(SOCKET)["Socket"]["ListenStream"] == "127.0.0.1:8080"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze missing")
def test_systemd_analyze_verify_finds_nothing(tmp_path):
    for path in (SERVICE, SOCKET):
        text = path.read_text().replace(
            "/srv/minimarket-dash/.venv/bin/gunicorn", str(Path(sys.executable).parent / "gunicorn")
        )
        (tmp_path / path.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / SOCKET.name), str(tmp_path / SERVICE.name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [line for line in result.stderr.splitlines() if "minimarket-dash" in line]
    assert result.returncode == 0 and complaints == [], result.stderr


def test_verify_does_catch_a_broken_unit(tmp_path):
    """The check above can fail: a misspelt key is reported."""
    broken = tmp_path / SERVICE.name
    broken.write_text(
        SERVICE.read_text()
        .replace("KillMode=", "KilMode=")
        .replace(
            "/srv/minimarket-dash/.venv/bin/gunicorn", str(Path(sys.executable).parent / "gunicorn")
        )
    )
    result = subprocess.run(
        ["systemd-analyze", "verify", str(broken)], capture_output=True, text=True, timeout=60
    )
    assert "Unknown key 'KilMode'" in result.stderr


def start_activated(listener: socket.socket, env: dict[str, str], output) -> subprocess.Popen:
    """Start gunicorn the way systemd socket activation does (fd 3, LISTEN_FDS, LISTEN_PID)."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    return subprocess.Popen(
        [
            "sh",
            "-c",
            'LISTEN_PID=$$ exec "$0" "$@"',
            str(gunicorn),
            "-c",
            str(GUNICORN_CONF),
            "minimarket_dash.wsgi:server",
        ],
        cwd=PROJECT_ROOT,
        env={**env, "LISTEN_FDS": "1"},
        stdout=output,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: os.dup2(listener.fileno(), 3),
        pass_fds=(listener.fileno(), 3),
    )


@pytest.mark.live
def test_a_restart_behind_the_held_socket_refuses_no_connection(tiny_sqlite_url, tmp_path):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    env.update(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_WORKERS": "2",
            "DASHBOARD_AUTH": "none",  # the load asks for "/" too: no sign-in in the way
            "DASHBOARD_LOG_DIR": str(tmp_path / "logs"),
            "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="mmdash-prom-sd-"),
        }
    )
    output = open(tmp_path / "gunicorn.txt", "wb")  # noqa: SIM115 - closed below
    first = start_activated(listener, env, output)
    second = None
    try:
        assert wait_health(url), (tmp_path / "gunicorn.txt").read_text()
        with Load(url, ("/health", "/"), threads=6) as load:
            time.sleep(1)
            first.send_signal(signal.SIGTERM)  # systemctl restart: stop ...
            first.wait(timeout=40)
            stopped = load.total
            second = start_activated(listener, env, output)  # ... and start, same socket
            assert wait_health(url)
            time.sleep(1)
        print(f"\nrestart: {load.total} answers {dict(load.statuses)}, {load.refused} refused")
        assert load.refused == 0 and not load.other_errors
        assert load.server_errors() == {}, load.statuses
        assert load.total > stopped > 0
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=40)
        output.close()
        listener.close()


def wait_health(url: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/health", timeout=30).status_code == 200:
                return True
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    return False

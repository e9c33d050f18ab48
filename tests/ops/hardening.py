"""Helpers of the live hardening tests: HTTP calls, metrics parsing, log files, gunicorn."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.live import GUNICORN_CONF, PROJECT_ROOT, LiveServer, free_port, wait_until_up

API_KEY = "live-key-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {API_KEY}"}


def get(server: LiveServer, path: str, **kwargs) -> requests.Response:
    """GET on a new connection (so requests spread over the workers), no redirects followed."""
    kwargs.setdefault("allow_redirects", False)
    kwargs.setdefault("timeout", 15)
    return requests.get(server.url + path, **kwargs)


def get_many(server: LiveServer, path: str, count: int, threads: int = 8, **kwargs) -> list:
    """Send `count` GETs from `threads` threads at once and return the responses."""
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda _: get(server, path, **kwargs), range(count)))


def scrape(server: LiveServer) -> str:
    """Return the /metrics text read with a Bearer key."""
    response = get(server, "/metrics", headers=BEARER)
    assert response.status_code == 200, response.text
    return response.text


def sample(text: str, name: str, **labels: str) -> float:
    """Return the sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match[3])
    return total


def worker_pids_with_metrics(server: LiveServer) -> set[str]:
    """Return the pids that wrote metric files in PROMETHEUS_MULTIPROC_DIR."""
    folder = Path(server.env["PROMETHEUS_MULTIPROC_DIR"])
    return {re.sub(r"\D", "", path.stem.rsplit("_", 1)[-1]) for path in folder.glob("*.db")}


def log_files(folder: Path) -> list[Path]:
    """Return dashboard.log and its rotated siblings."""
    return sorted(folder.glob("dashboard.log*"))


def json_lines(folder: Path) -> list[dict]:
    """Parse every line of every log file as JSON (a split line fails here)."""
    lines = []
    for path in log_files(folder):
        for raw in path.read_text(encoding="utf-8").splitlines():
            lines.append(json.loads(raw))
    return lines


def start_app(app_path: str, env: dict[str, str], workers: int = 2) -> LiveServer:
    """Start gunicorn with the project's configuration on another WSGI app (test wrappers)."""
    port = free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="mmdash-live-logs-"))
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    full_env["DASHBOARD_AUTH"] = "none"
    full_env.update(env)
    full_env.update(
        {
            "DASHBOARD_BIND": f"127.0.0.1:{port}",
            "DASHBOARD_WORKERS": str(workers),
            "DASHBOARD_LOG_DIR": str(log_dir),
            "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="mmdash-prom-test-"),
        }
    )
    output_path = log_dir / "gunicorn-output.txt"
    with open(output_path, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), app_path],
            cwd=PROJECT_ROOT,
            env=full_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_dir, full_env, output_path)
    wait_until_up(server, 60)
    return server

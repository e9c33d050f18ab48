"""Start the real server (gunicorn with the project's configuration) on loopback for tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = PROJECT_ROOT / "minimarket_dash" / "gunicorn_conf.py"


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running gunicorn server; `url` has no trailing slash."""

    url: str
    process: subprocess.Popen
    log_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    output_path: Path | None = None

    def stop(self, timeout: float = 40) -> int:
        """Send SIGTERM (graceful stop) and wait; return gunicorn's exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def output(self) -> str:
        """Return what gunicorn and the app printed so far."""
        return self.output_path.read_text(errors="replace") if self.output_path else ""


def start_live_server(
    env: dict[str, str] | None = None,
    *,
    workers: int = 2,
    wait: float = 60,
    app: str = "minimarket_dash.wsgi:server",
    script: bool = False,
    root: Path = PROJECT_ROOT,
) -> LiveServer:
    """Start gunicorn running `app` with `env` on a free port; wait until /health answers.

    `root`: the checkout whose code runs (bench/bench_invoices.py --antes runs an earlier
    commit's worktree beside this one)."""
    port = free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="mmdash-live-logs-"))
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    full_env.update(
        {
            "DASHBOARD_BIND": f"127.0.0.1:{port}",
            "DASHBOARD_WORKERS": str(workers),
            "DASHBOARD_LOG_DIR": str(log_dir),
            # Pages open unless a test asks for sign-in (tests/signin covers the other modes).
            "DASHBOARD_AUTH": "none",
            # Each server's store of summaries in a folder of its own, never the checkout's.
            "DASHBOARD_STATE_DIR": tempfile.mkdtemp(prefix="mmdash-live-state-"),
            "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="mmdash-prom-test-"),
        }
    )
    full_env.update(env or {})
    output_path = log_dir / "gunicorn-output.txt"
    with open(output_path, "wb") as output:
        process = subprocess.Popen(
            [
                *gunicorn_command(script),
                "-c",
                str(root / GUNICORN_CONF.relative_to(PROJECT_ROOT)),
                app,
            ],
            cwd=root,
            env=full_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_dir, full_env, output_path)
    wait_until_up(server, wait)
    return server


def gunicorn_command(script: bool) -> list[str]:
    """Return how to run gunicorn: its console script (USR2 re-exec works) or `python -m`."""
    if script:
        return [str(Path(sys.executable).parent / "gunicorn")]
    return [sys.executable, "-m", "gunicorn"]


def wait_until_up(server: LiveServer, wait: float) -> None:
    """Wait until the server answers /health (any status); stop it and raise if it does not."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{server.output()}")
        try:
            urllib.request.urlopen(server.url + "/health", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # 503 still means the server is up
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer in {wait} s:\n{server.output()}")

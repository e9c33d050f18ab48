"""Serve create_app(**overrides) in a process of its own, for tests that need the pages.

Dash serves one app with pages per process (minimarket_dash/dashboard.py), so a test that needs
the pages in a configuration of its own gets a server in a subprocess: `AppProcesses.url_for`
starts one per distinct set of overrides and keeps it (the few most recently used at a time)
until the session ends (the `app_servers` fixture of tests/conftest.py). The child is this
module run as a script:

    python -m tests.app_process '{"database_url": "sqlite:///…"}' 8123

It builds the app (`fixed_now` as an ISO datetime, lists as tuples) and serves it with
werkzeug's threaded server on that port of 127.0.0.1; the parent waits until the port accepts
connections.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from tests.live import PROJECT_ROOT, free_port


def encode(overrides: dict[str, Any]) -> str:
    """Write overrides as the child's JSON argument (sorted, so equal configurations match)."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, Path):
            return str(value)
        raise TypeError(f"cannot pass {value!r} to an app process")

    return json.dumps(overrides, sort_keys=True, default=plain)


def decode(argument: str) -> dict[str, Any]:
    """Read the child's JSON argument back into create_app overrides."""
    overrides = json.loads(argument)
    if isinstance(overrides.get("fixed_now"), str):
        overrides["fixed_now"] = datetime.fromisoformat(overrides["fixed_now"])
    overrides.setdefault("log_dir", tempfile.mkdtemp(prefix="mmdash-app-process-logs-"))
    # A store of summaries of its own: never one another test built for the same database.
    overrides.setdefault("state_dir", tempfile.mkdtemp(prefix="mmdash-app-process-state-"))
    # Its session key is kept beside the users file: never in the checkout's data/.
    overrides.setdefault("users_file", str(Path(overrides["state_dir"]) / "users.json"))
    return overrides


class AppProcess:
    """One running child: its base URL (no trailing slash) and how to stop it."""

    def __init__(self, argument: str, wait: float = 60) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = Path(tempfile.mkstemp(prefix="mmdash-app-process-", suffix=".txt")[1])
        env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
        with open(self.output, "wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.app_process", argument, str(self.port)],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.wait_until_up(wait)

    def wait_until_up(self, wait: float) -> None:
        """Wait until the port accepts connections (the app is built before it listens); no
        request is sent, so the server's counters start at zero."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        printed = self.output.read_text(errors="replace")
        self.stop()
        raise RuntimeError(f"app process did not listen in {wait} s:\n{printed}")

    def stop(self) -> None:
        """Terminate the child and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output.unlink(missing_ok=True)


class AppProcesses:
    """The app processes of a test session, one per distinct configuration; at most
    `MAX_RUNNING` at a time (the least recently used one stops first)."""

    MAX_RUNNING = 6

    def __init__(self) -> None:
        self.running: OrderedDict[str, AppProcess] = OrderedDict()
        self.started = 0

    def url_for(self, *, fresh: bool = False, **overrides: Any) -> str:
        """Return the base URL of a server built with `overrides`, starting it if needed;
        `fresh=True` starts one no other test uses (for tests that count requests)."""
        key = encode(overrides)
        if fresh:
            key += f" fresh {self.started}"
        if key in self.running:
            self.running.move_to_end(key)
        else:
            while len(self.running) >= self.MAX_RUNNING:
                self.running.popitem(last=False)[1].stop()
            self.running[key] = AppProcess(encode(overrides))
            self.started += 1
        return self.running[key].url

    def stop_all(self) -> None:
        """Stop every process still running."""
        while self.running:
            self.running.popitem()[1].stop()


class HttpResponse:
    """A `requests` response with the names of a Flask test response that tests use."""

    def __init__(self, response: requests.Response) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.data = response.content
        self.mimetype = response.headers.get("Content-Type", "").split(";")[0]
        self._response = response

    def get_json(self) -> Any:
        return self._response.json()

    def get_data(self, as_text: bool = False) -> str | bytes:
        return self._response.text if as_text else self.data


class HttpClient:
    """What a Flask test client offers tests (get, post; no redirects followed), over HTTP."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.open("POST", path, **kwargs)

    def open(self, method: str, path: str, **kwargs: Any) -> HttpResponse:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return HttpResponse(self.session.request(method, self.base_url + path, **kwargs))


def serve(argument: str, port: int) -> None:
    """Build the app from the JSON argument and serve it on `port` until terminated."""
    from werkzeug.serving import make_server

    from minimarket_dash import create_app

    make_server("127.0.0.1", port, create_app(**decode(argument)), threaded=True).serve_forever()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))

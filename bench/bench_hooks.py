"""Cost of the hardening hooks: the same routes with and without them, median per request.

Run by hand: `.venv/bin/python bench/bench_hooks.py [--requests 3000]`. Both apps serve the
same views (/health from the ops blueprint, Dash's /_dash-layout) over the same SQLite file;
the "hooks" app is create_app() itself (request id, host/HTTPS/CORS checks, rate limiter,
API key check, security headers and CSP, Prometheus metrics in multiprocess mode, one JSON
access line to stdout and to the rotating file; not the sign-in gate: DASHBOARD_AUTH=none).
Dash serves one app per process, so each app runs in a child process (`--app bare|hooks`);
the children alternate in rounds so drift hits both alike.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# As under gunicorn: multiprocess metrics (mmap files), set before prometheus_client loads.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="mmdash-bench-prom-"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402

from minimarket_dash import create_app, dashboard, data, errors, ops  # noqa: E402
from minimarket_dash.config import load_settings  # noqa: E402
from minimarket_dash.db import create_schema, make_engine  # noqa: E402

ROUTES = ("/health", "/_dash-layout")
APPS = ("bare", "hooks")
KEY = "bench-key-0123456789abcdef"


def tiny_database(folder: Path) -> str:
    """Return the URL of a SQLite file with the schema (empty tables are enough here)."""
    url = f"sqlite:///{folder / 'bench.db'}"
    create_schema(make_engine(load_settings({"database_url": url}), writer=True))
    return url


def bare_app(settings) -> Flask:
    """Return a Flask server with the same views and Dash, and none of the hardening hooks."""
    server = Flask("minimarket_dash")
    server.config["SETTINGS"] = settings
    data.init_app(server)
    server.register_blueprint(ops.bp)
    errors.init_app(server)
    dashboard.init_app(server)
    return server


def time_requests(client, path: str, count: int) -> list[float]:
    """GET `path` `count` times; return microseconds per request."""
    samples = []
    for _ in range(count):
        started = time.perf_counter_ns()
        response = client.get(path)
        samples.append((time.perf_counter_ns() - started) / 1000)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def run_child(name: str, database_url: str, log_dir: str, count: int) -> None:
    """Build one app, warm it up, and print {route: samples} as JSON (the child's side)."""
    overrides = {"database_url": database_url, "log_dir": log_dir}
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        if name == "bare":
            client = bare_app(load_settings(overrides)).test_client()
        else:
            # auth="none": the sign-in gate would answer 401 on /_dash-layout without a session.
            client = create_app(api_keys=(KEY,), auth="none", **overrides).test_client()
        for path in ROUTES:
            time_requests(client, path, 200)  # warm up (Dash's first-request setup, caches)
        samples = {path: time_requests(client, path, count) for path in ROUTES}
    print(json.dumps(samples))


def collect(args, database_url: str, log_dir: str) -> dict[str, dict[str, list[float]]]:
    """Run the two apps' children in alternating rounds; return their samples by app and route."""
    samples: dict[str, dict[str, list[float]]] = {n: {p: [] for p in ROUTES} for n in APPS}
    per_round = max(args.requests // args.rounds, 1)
    for _ in range(args.rounds):
        for name in APPS:
            command = [
                sys.executable,
                __file__,
                "--app",
                name,
                "--requests",
                str(per_round),
                "--database-url",
                database_url,
                "--log-dir",
                log_dir,
            ]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            for path, values in json.loads(output.splitlines()[-1]).items():
                samples[name][path] += values
    return samples


def main() -> None:
    """Print the median per request with and without the hooks, and the difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--app", choices=APPS, help=argparse.SUPPRESS)  # a child's run
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--log-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app:
        run_child(args.app, args.database_url, args.log_dir, args.requests)
        return
    folder = Path(tempfile.mkdtemp(prefix="mmdash-bench-"))
    samples = collect(args, tiny_database(folder), str(folder / "logs"))
    rows = [(path, *(statistics.median(samples[n][path]) for n in APPS)) for path in ROUTES]
    print(f"{args.requests} requests per route and app (median, microseconds)\n")
    print(f"{'route':<16}{'bare':>10}{'hooks':>10}{'diff':>10}{'ratio':>8}")
    for path, bare_us, hooks_us in rows:
        diff = hooks_us - bare_us
        print(f"{path:<16}{bare_us:>10.0f}{hooks_us:>10.0f}{diff:>10.0f}{hooks_us / bare_us:>8.2f}")
    worst = max(hooks - bare for _, bare, hooks in rows)
    verdict = "OK" if worst < 1000 else "OVER BUDGET"
    print(f"\nhooks overhead: at most {worst:.0f} us per request (budget 1000 us): {verdict}")


if __name__ == "__main__":
    main()

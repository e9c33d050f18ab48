"""Cost of the hardening hooks: the same routes with and without them, median per request.

Run by hand: `.venv/bin/python bench/bench_hooks.py [--requests 3000]`. Both apps serve the
same views (/health from the ops blueprint, Dash's /_dash-layout) over the same SQLite file;
the "hooks" app is create_app() itself (request id, host/HTTPS/CORS checks, rate limiter,
API key check, security headers and CSP, Prometheus metrics in multiprocess mode, one JSON
access line to stdout and to the rotating file). Requests alternate between the two apps so
drift hits both alike.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
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


def time_requests(clients: dict, path: str, count: int) -> dict[str, list[float]]:
    """Alternate GET `path` on every client `count` times; return microseconds per request."""
    samples: dict[str, list[float]] = {name: [] for name in clients}
    for _ in range(count):
        for name, client in clients.items():
            started = time.perf_counter_ns()
            response = client.get(path)
            samples[name].append((time.perf_counter_ns() - started) / 1000)
            assert response.status_code == 200, (name, path, response.status_code)
    return samples


def main() -> None:
    """Print the median per request with and without the hooks, and the difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mmdash-bench-"))
    overrides = {"database_url": tiny_database(folder), "log_dir": str(folder / "logs")}
    rows = []
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        bare = bare_app(load_settings(dict(overrides)))
        hooked = create_app(api_keys=(KEY,), **overrides)
        clients = {"bare": bare.test_client(), "hooks": hooked.test_client()}
        for path in ROUTES:
            time_requests(clients, path, 200)  # warm up (Dash's first-request setup, caches)
            samples = time_requests(clients, path, args.requests)
            rows.append((path, *(statistics.median(samples[n]) for n in ("bare", "hooks"))))
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

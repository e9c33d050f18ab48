"""CPU time of uncached API requests in one process: for comparing two versions of the code.

    .venv/bin/python -m bench.bench_cpu [--lines 1000000] [--runs 20] [PATH ...]

Wall-clock figures of `python -m bench` move by 2x on this shared machine from one run to the
next (the whole machine gets slower), so a change of a few tens of ms cannot be read from them.
This runs each path `--runs` times through Flask's test client (no gunicorn, no network, result
cache off, store built first, the collector frozen as gunicorn_conf does) and prints the CPU
time of the thread (time.thread_time: SQLite runs in it too), minimum and median.

To compare two revisions, run it alternately from a checkout of each, a few rounds, and compare
the minimums round by round (bench/NOTES.md):

    git worktree add /tmp/antes <revision>
    (cd /tmp/antes && PYTHONPATH=/tmp/antes ../ruta/.venv/bin/python -m bench.bench_cpu)
    .venv/bin/python -m bench.bench_cpu
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dataset import ensure_dataset  # noqa: E402
from minimarket_dash.config import load_settings  # noqa: E402

API_KEY = "bench-key-0123456789abcdef"
DEFAULT_PATHS = ("/api/invoices", "/api/price-changes", "/api/reorder", "/api/summary")


def measure(paths: list[str], runs: int) -> dict[str, tuple[float, float, float]]:
    """Return per path (CPU min, CPU median, wall median) in ms over `runs` requests."""
    from minimarket_dash import create_app
    from minimarket_dash.refresher import refresh
    from minimarket_dash.store import store_engine

    settings = load_settings()
    refresh(settings, store_engine(settings), full=None)
    client = create_app(pages=False).test_client()
    headers = {"X-API-Key": API_KEY}
    results = {}
    for path in paths:
        for _ in range(2):  # imports, first connections, remembered texts
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code} {response.data[:200]!r}")
        gc.collect()
        gc.freeze()
        cpu, wall = [], []
        for _ in range(runs):
            started_cpu, started = time.thread_time(), time.perf_counter()
            client.get(path, headers=headers)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        results[path] = (min(cpu), statistics.median(cpu), statistics.median(wall))
    return results


def main(argv: list[str] | None = None) -> int:
    """Seed (or reuse) the bench database, then print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    today = load_settings().now().date()
    url = ensure_dataset("sqlite", args.lines, today)
    os.environ.update(
        {
            "DASHBOARD_DATABASE_URL": url,
            "DASHBOARD_API_KEY": API_KEY,
            "DASHBOARD_RATELIMIT_ENABLED": "false",
            "DASHBOARD_LOG_LEVEL": "ERROR",
            "DASHBOARD_CACHE_TTL": "0",
            "DASHBOARD_REFRESH_MINUTES": "0",
            "DASHBOARD_STATE_DIR": tempfile.mkdtemp(prefix="mmbench-cpu-"),
        }
    )
    results = measure(args.paths, args.runs)
    print(f"\n{args.lines:,} líneas · sqlite · en proceso, sin caché · {ROOT}")
    print(f"{'ruta':28} {'CPU mín':>9} {'CPU p50':>9} {'reloj p50':>10}")
    for path, (least, median, wall) in results.items():
        print(f"{path:28} {least:7.1f}ms {median:7.1f}ms {wall:8.1f}ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What SQLite's page cache and memory map buy, in speed and worker memory, in one run.

    .venv/bin/python -m bench.bench_memory [--lines 1000000] [--no-optimize] [--requests 5]
                                           [--skip "spending 12 meses" ...]

Starts gunicorn (2 workers, DASHBOARD_THREADS threads, result cache off) once per setting of
DASHBOARD_SQLITE_CACHE_MB / DASHBOARD_SQLITE_MMAP_MB on the same database, measures each
endpoint's p50 one request at a time, then every endpoint from one client per serving thread
at once (every connection busy), and prints the workers' peak resident memory (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cases, measure  # noqa: E402
from bench.dataset import ensure_dataset  # noqa: E402
from minimarket_dash.config import load_settings  # noqa: E402
from tests.live import start_live_server  # noqa: E402

API_KEY = "bench-key-0123456789abcdef"
# (page cache MB, memory map MB) per connection; the first is what served before issue 14,
# (4, 0) the default since.
SETTINGS = ((64, 256), (64, 0), (8, 0), (4, 0), (2, 0))


def measure_setting(
    env: dict, today, setting: tuple[int, int], requests: int, skip: tuple[str, ...]
) -> dict:
    """Start a server with one cache setting; return p50 per endpoint, load time, peak RSS."""
    cache_mb, mmap_mb = setting
    server = start_live_server(
        {
            **env,
            "DASHBOARD_SQLITE_CACHE_MB": str(cache_mb),
            "DASHBOARD_SQLITE_MMAP_MB": str(mmap_mb),
        },
        workers=2,
    )
    try:
        client = measure.Client(server.url, API_KEY)
        p50 = {
            name: statistics.median(client.get(path_of(i)) for i in range(requests))
            for name, path_of in cases.endpoints(today).items()
            if name not in skip
        }
        load_seconds = measure.parallel_load(server, today, API_KEY, skip)
        peak = measure.worker_rss_mb(server, "VmHWM")
    finally:
        server.stop()
    return {
        "cache_mb": cache_mb,
        "mmap_mb": mmap_mb,
        "p50": p50,
        "parallel_seconds": load_seconds,
        "peak_rss_mb": peak,
    }


def print_table(rows: list[dict], title: str) -> None:
    """One line per setting: the sum of endpoint p50s, the parallel load, the peak memory."""
    print(f"\n{title}")
    print("| caché / mmap por conexión | suma de p50 | carga paralela | RSS pico por worker |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        peaks = " / ".join(f"{value:.0f}" for value in row["peak_rss_mb"])
        print(
            f"| {row['cache_mb']} MB / {row['mmap_mb']} MB | {sum(row['p50'].values()):,.0f} ms"
            f" | {row['parallel_seconds']:.1f} s | {peaks} MB |"
        )


def main(argv: list[str] | None = None) -> int:
    """Measure every setting on one database and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--no-optimize", action="store_true", help="la base tal como se encontró")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=cases.ENDPOINTS,
        help="no medir este endpoint (repetible)",
    )
    args = parser.parse_args(argv)
    today = load_settings().now().date()
    url = ensure_dataset("sqlite", args.lines, today, optimized=not args.no_optimize)
    env = {
        "DASHBOARD_DATABASE_URL": url,
        "DASHBOARD_API_KEY": API_KEY,
        "DASHBOARD_RATELIMIT_ENABLED": "false",
        "DASHBOARD_LOG_LEVEL": "WARNING",
        "DASHBOARD_CACHE_TTL": "0",
    }
    rows = [
        measure_setting(env, today, setting, args.requests, tuple(args.skip))
        for setting in SETTINGS
    ]
    state = "sin optimize" if args.no_optimize else "con optimize"
    print_table(
        rows,
        f"{args.lines:,} líneas SQLite · {state} · 2 workers × "
        f"{load_settings().threads} hilos · sin caché de resultados · {measure.machine()}",
    )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = (
        results / f"memory-{args.lines}-{'raw' if args.no_optimize else 'opt'}-"
        f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    )
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    print(f"\nJSON: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

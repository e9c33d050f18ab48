"""Benchmark the dashboard end to end: `python -m bench --lines 1000000 --db sqlite --workers 2`.

Seeds (or reuses) a dataset, starts the app the way `minimarket-dash serve` does (gunicorn with
the project's configuration), and measures in one run: the database floor (each aggregate run
directly), the first request after start, uncached p50/p95 (DASHBOARD_CACHE_TTL=0, parameters
varied), cached p50/p95, throughput under a bounded wrk load against the HTTP floor (a bare
Flask view under the same gunicorn), worker RSS (and its peak with every thread querying
uncached), every page's time to complete in headless Chromium, a first visit with an empty
browser cache (time and bytes) and Análisis' provider filter in a warm browser. Prints one
table with ratios to the floors and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cases, measure  # noqa: E402
from bench.dataset import ensure_dataset  # noqa: E402
from minimarket_dash.config import load_settings  # noqa: E402

RESULTS = ROOT / "bench" / "results"
API_KEY = "bench-key-0123456789abcdef"


def parse_args(argv=None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=30, help="uncached requests per endpoint")
    parser.add_argument("--no-optimize", action="store_true", help="dataset without optimize")
    parser.add_argument("--no-pages", action="store_true", help="skip the browser timings")
    parser.add_argument(
        "--no-during",
        action="store_true",
        help="skip the requests sent while the store is first built",
    )
    parser.add_argument(
        "--read-only-role",
        action="store_true",
        help="PostgreSQL: serve through a role that may only SELECT the "
        "minimarket's tables and own the schema mm_dashboard (RUNBOOK.md, 16)",
    )
    parser.add_argument(
        "--uncached-only",
        action="store_true",
        help="only the uncached figures and memory (a database as found)",
    )
    parser.add_argument(
        "--no-floor",
        action="store_true",
        help="skip the database floor (slow on a database as found)",
    )
    parser.add_argument("--load-seconds", type=int, default=6)
    parser.add_argument("--cache-url", default=None, help="redis://… to share the cache")
    parser.add_argument(
        "--scale-out",
        metavar="REDIS_URL",
        default=None,
        help="also measure one and two instances sharing this Redis (e.g. redis://127.0.0.1/11)",
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Run every measurement and print the table."""
    args = parse_args(argv)
    today = load_settings().now().date()
    print(f"Dataset: {args.lines:,} líneas en {args.db} (hasta {today})")
    url = ensure_dataset(args.db, args.lines, today, optimized=not args.no_optimize)
    if args.read_only_role:
        url = read_only_role(url)
    env = base_env(url, args)
    results = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "lines": args.lines,
        "db": args.db,
        "workers": args.workers,
        "optimized": not args.no_optimize,
        "machine": measure.machine(),
    }
    results["floor_db"] = {} if args.no_floor else measure.database_floor(url, today, args.requests)
    results["uncached"] = measure.uncached(
        env, today, args.requests, args.workers, during=not args.no_during
    )
    if args.uncached_only:
        uncached = results["uncached"]
        print(
            f"RSS pico de workers sin caché: {uncached['worker_peak_rss_mb']} MB; "
            f"almacén listo a los {uncached['store_ready_seconds']} s"
        )
        save(results)
        return 0
    results["cached"] = measure.cached(env, today, args.workers, args.load_seconds, API_KEY)
    results["http_floor"] = measure.http_floor(env, args.workers, args.load_seconds)
    if args.scale_out:
        results["scale_out"] = measure.scale_out(
            env, today, args.workers, args.load_seconds, API_KEY, args.scale_out
        )
    if not args.no_pages:
        results["pages"] = measure.pages(env, today, args.workers)
        results["visit"] = measure.visit(env, args.workers)
    print_table(results)
    save(results)
    return 0


def read_only_role(url: str) -> str:
    """Create the RUNBOOK's read-only role on the bench database; return its URL."""
    from sqlalchemy import create_engine, text

    role = "mmbench_lector"
    database = url.rsplit("/", 1)[1]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
            conn.execute(text("DROP SCHEMA IF EXISTS mm_dashboard CASCADE"))
        else:
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {role}'))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(text("DROP SCHEMA IF EXISTS mm_dashboard CASCADE"))
        conn.execute(text(f"CREATE SCHEMA mm_dashboard AUTHORIZATION {role}"))
    admin.dispose()
    return url.replace("postgres@", f"{role}@", 1)


def base_env(url: str, args: argparse.Namespace) -> dict[str, str]:
    """Return the server environment shared by every run."""
    env = {
        "DASHBOARD_DATABASE_URL": url,
        "DASHBOARD_API_KEY": API_KEY,
        "DASHBOARD_RATELIMIT_ENABLED": "false",
        "DASHBOARD_LOG_LEVEL": "WARNING",
        # One store of summaries for every server of this run: the first builds it (the
        # refresher, nothing run by hand), the later ones find it fresh.
        "DASHBOARD_STATE_DIR": tempfile.mkdtemp(prefix="mmbench-state-"),
    }
    if args.cache_url:
        env["DASHBOARD_CACHE_URL"] = args.cache_url
    return env


def print_table(results: dict) -> None:
    """Print the endpoint table, the throughput table and the pages table."""
    floor, uncached, cached = results["floor_db"], results["uncached"], results["cached"]
    print(
        f"\n{results['lines']:,} líneas · {results['db']} · {results['workers']} workers · "
        f"optimize={'sí' if results['optimized'] else 'no'} · {results['machine']}"
    )
    head = (
        f"{'endpoint':28} {'piso BD p50':>11} {'1ª':>8} {'sin caché p50':>13} "
        f"{'p95':>8} {'×piso':>6} {'caché p50':>9} {'p95':>7}"
    )
    print(head)
    print("-" * len(head))
    for name in cases.ENDPOINTS:
        f50 = floor[name]["p50"] if name in floor else float("nan")
        u = uncached["endpoints"][name]
        c = cached["endpoints"][name]
        print(
            f"{name:28} {f50:9.1f}ms {u['first']:6.1f}ms {u['p50']:11.1f}ms {u['p95']:6.1f}ms "
            f"{u['p50'] / max(f50, 0.01):6.1f} {c['p50']:7.2f}ms {c['p95']:5.2f}ms"
        )
    during = uncached.get("during_first_refresh")
    if during:
        print(
            f"\nAlmacén de resúmenes listo {uncached['store_ready_seconds']:.1f} s después de "
            "la primera respuesta; durante su primera construcción (1 solicitud cada uno):"
        )
        print("  " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in during.items()))
    floor_rps = results["http_floor"]["rps"]
    print(
        f"\nPiso HTTP (Flask pelado, mismo gunicorn): {floor_rps:,.0f} req/s, "
        f"p50 {results['http_floor']['p50']:.2f} ms"
    )
    for name, rps in cached["throughput"].items():
        print(f"Carga {name:34} {rps:8,.0f} req/s = {100 * rps / floor_rps:5.1f} % del piso HTTP")
    if "scale_out" in results:
        scale = results["scale_out"]
        print(
            f"Resumen en caché compartida (Redis): 1 instancia {scale['one']:,.0f} req/s, "
            f"2 instancias {scale['two']:,.0f} req/s (mismos 2 núcleos)"
        )
    print(f"Primera solicitud tras el arranque: {uncached['first_request']:.1f} ms")
    rss = cached["worker_rss_mb"]
    print(f"RSS de workers tras la carga: {', '.join(f'{v:.0f} MB' for v in rss)}")
    peak = uncached["worker_peak_rss_mb"]
    print(
        f"RSS pico de workers sin caché, todos los hilos consultando: "
        f"{', '.join(f'{v:.0f} MB' for v in peak)} (meta ≤ 250 MB)"
    )
    for label, timing in results.get("pages", {}).items():
        print(
            f"Página {label:34} primera {timing['first']:6.0f} ms · mediana "
            f"{timing['p50']:6.0f} ms · peor {timing['max']:6.0f} ms"
        )
    if "visit" in results:
        from bench import bench_visit

        bench_visit.print_summary(results["visit"])


def save(results: dict) -> None:
    """Write the results as JSON under bench/results/."""
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"bench-{results['db']}-{results['lines']}-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nJSON: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())

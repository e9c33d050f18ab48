"""/api/invoices uncached, with the store's matches and without them, in one run.

    .venv/bin/python -m bench.bench_invoices [--lines 1000000] [--db sqlite] [--requests 15]

A database as found (no `optimize`) with an invoice for every delivered order, as a shop that
files every invoice (`--cada-quinta`: the demo's one per fifth delivery). Two gunicorn servers
with 2 workers each and no result cache (DASHBOARD_CACHE_TTL=0) on the same file:

- «almacén»: the refresher builds the store at start, matches included (the seconds it took
  are printed); then each request reads the matches and the answer's ready parts from it
  (minimarket_dash/queries/invoice_matches.py);
- «en vivo»: no store (refresher off, a state folder of its own): each request matches the
  window's invoices against the orders, as every request did before the store kept them.

`--antes DIR` replaces «en vivo» by «antes»: the same server run from another checkout (a
`git worktree` of an earlier commit: `git worktree add /tmp/antes edee249`), its own store built
by its own refresher, so the earlier code is measured as it ran, beside this one.

Requests alternate between the two servers, round by round, so both see the same machine;
the parameters vary (tolerancia) so no layer can answer from a previous request. Prints p50,
p95 and their ratio, the answer's size and invoices, and the workers' memory.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dataset import ensure_dataset  # noqa: E402
from bench.measure import Client, machine, stats, wait_for_summaries, worker_rss_mb  # noqa: E402
from minimarket_dash.config import load_settings  # noqa: E402
from tests.live import start_live_server  # noqa: E402

API_KEY = "bench-key-0123456789abcdef"


def path_of(i: int, provider: str | None = None) -> str:
    """The i-th request: the default 90 days, the tolerance varied (2.0, 2.1, ... 3.4)."""
    path = f"/api/invoices?tolerancia={2 + (i % 15) / 10:.1f}"
    return path + (f"&proveedor={provider}" if provider else "")


def server_env(url: str, store: bool, code: str | None = None) -> dict[str, str]:
    """The environment of one server; `store`: the refresher builds the store at start;
    `code`: a checkout whose minimarket_dash runs instead of this one."""
    extra = {"PYTHONPATH": code} if code else {}
    return {
        **extra,
        "DASHBOARD_DATABASE_URL": url,
        "DASHBOARD_API_KEY": API_KEY,
        "DASHBOARD_RATELIMIT_ENABLED": "false",
        "DASHBOARD_LOG_LEVEL": "WARNING",
        "DASHBOARD_CACHE_TTL": "0",
        "DASHBOARD_REFRESH_MINUTES": "15" if store else "0",
        "DASHBOARD_STATE_DIR": tempfile.mkdtemp(prefix="mmbench-invoices-"),
    }


def answer_size(base_url: str) -> tuple[float, int]:
    """The default answer's size in MB and its number of invoices."""
    request = urllib.request.Request(base_url + path_of(0), headers={"X-API-Key": API_KEY})
    with urllib.request.urlopen(request, timeout=600) as answer:
        body = answer.read()
    return len(body) / 1e6, len(json.loads(body)["facturas"])


def main(argv: list[str] | None = None) -> int:
    """Seed (or reuse) the database, start both servers, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument(
        "--cada-quinta",
        action="store_true",
        help="the demo's density: an invoice for every fifth delivery",
    )
    parser.add_argument("--provider", default=None, help="also a provider filter (text)")
    parser.add_argument(
        "--antes",
        default=None,
        metavar="DIR",
        help="compare with the code of this checkout (its own store)",
    )
    args = parser.parse_args(argv)
    today = load_settings().now().date()
    url = ensure_dataset(
        args.db, args.lines, today, optimized=False, every_delivery=not args.cada_quinta
    )
    started = time.perf_counter()
    stored = start_live_server(server_env(url, True), workers=2, wait=120)
    live = None
    try:
        built = wait_for_summaries(stored)
        print(
            f"almacén listo en {built:.1f} s ({time.perf_counter() - started:.1f} s "
            f"desde el arranque)",
            flush=True,
        )
        other = "antes" if args.antes else "en vivo"
        live = start_live_server(
            server_env(url, bool(args.antes), args.antes),
            workers=2,
            wait=120,
            root=Path(args.antes) if args.antes else ROOT,
        )
        if args.antes:
            print(f"almacén de «antes» listo en {wait_for_summaries(live):.1f} s", flush=True)
        size, count = answer_size(stored.url)
        # A connection per request: gunicorn closes one idle for 5 s (keepalive), as the store's
        # is while the live server works.
        urls = {"almacén": stored.url, other: live.url}
        samples: dict[str, list[float]] = {name: [] for name in urls}
        for base in urls.values():
            Client(base, API_KEY).get(path_of(0, args.provider))  # imports, first connections
        for i in range(1, args.requests + 1):
            for name, base in urls.items():
                samples[name].append(Client(base, API_KEY).get(path_of(i, args.provider)))
        rss = {"almacén": worker_rss_mb(stored, "VmHWM"), other: worker_rss_mb(live, "VmHWM")}
    finally:
        stored.stop()
        # The stores run to hundreds of MB (a -wal as big after a full build): not kept.
        shutil.rmtree(stored.env["DASHBOARD_STATE_DIR"], ignore_errors=True)
        if live is not None:
            live.stop()
            shutil.rmtree(live.env["DASHBOARD_STATE_DIR"], ignore_errors=True)
    density = "una factura cada quinta entrega" if args.cada_quinta else "una factura por entrega"
    print(
        f"\n{args.lines:,} líneas · {args.db} tal como se encontró · {density} · "
        f"2 workers · sin caché · {machine()}"
    )
    print(f"respuesta por defecto (90 días): {count:,} facturas, {size:.1f} MB")
    print(f"{'camino':10} {'p50':>9} {'p95':>9} {'RSS pico por worker':>22}")
    results = {name: stats(values) for name, values in samples.items()}
    for name, result in results.items():
        peak = " / ".join(f"{value:.0f}" for value in rss[name])
        print(f"{name:10} {result['p50']:7.1f}ms {result['p95']:7.1f}ms {peak:>19} MB")
    other = "antes" if args.antes else "en vivo"
    ratio = results[other]["p50"] / results["almacén"]["p50"]
    print(f"{other} / almacén (p50, misma corrida): {ratio:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

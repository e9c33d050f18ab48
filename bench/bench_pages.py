"""Time each page from navigation to every chart drawn, in headless Chromium over gunicorn.

    .venv/bin/python bench/bench_pages.py [--lines 1000000] [--runs 7] [--workers 2]
                                          [--no-optimize] [--no-cache]

Seeds (once per day and size, cached in bench/.data/) a demo SQLite database, runs
`minimarket-dash optimize` on a copy of it (unless --no-optimize), starts the app the way
`minimarket-dash serve` does (gunicorn with the project's configuration), then loads each page
`--runs` times in one browser and prints a table: the first load (empty result cache), the
median and the worst of the rest. `--no-cache` runs with DASHBOARD_CACHE_TTL=0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402

from bench.measure import wait_for_summaries  # noqa: E402
from minimarket_dash.config import load_settings  # noqa: E402
from tests.live import start_live_server  # noqa: E402

DATA_DIR = ROOT / "bench" / ".data"
TARGET_SECONDS = 1.5
# Every chart has drawn its SVG with data (or the empty-state note) and nothing is loading.
READY_JS = """
const expected = arguments[0];
if (arguments[1] && !document.querySelector(arguments[1])) return null;
const charts = document.querySelectorAll('#_pages_content .js-plotly-plot');
if (charts.length < expected) return null;
for (const c of charts) {
  if (!c.querySelector('.main-svg')) return null;
  const notes = (c.layout && c.layout.annotations) || [];
  if (!(c.data && c.data.length) && !notes.length) return null;
}
if (document.querySelector('[data-dash-is-loading="true"], .dash-spinner, ._dash-loading')) {
  return null;
}
return performance.now();
"""


# The window height that shows the whole page (the window is taller than its viewport).
FULL_HEIGHT_JS = (
    "return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight"
)


# Pages without charts are complete when this element is there (and nothing is loading).
READY_SELECTOR = {"/compras": "#compras-body .provider-card, #compras-empty"}


def pages(today: date) -> list[tuple[str, str, int]]:
    """Return (label, path, number of charts) of every page measured."""
    start = (today - timedelta(days=29)).isoformat()
    return [
        ("Inicio /", "/", 3),
        ("Proveedores /providers", "/providers", 1),
        ("Análisis /analytics", "/analytics", 9),
        (
            "Análisis 30 días + proveedor",
            f"/analytics?start_date={start}&end_date={today.isoformat()}&proveedor=lacteos",
            9,
        ),
        ("Qué pedir /compras", "/compras", 0),
        ("Facturas /facturas", "/facturas", 2),
    ]


def seeded_database(lines: int, today: date) -> Path:
    """Return a demo database of `lines` order lines ending today, seeding it when missing."""
    path = DATA_DIR / f"pages-{lines}-{today.isoformat()}.db"
    if path.exists():
        return path
    from minimarket_dash.db import make_engine
    from minimarket_dash.demo import seed_database

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for old in DATA_DIR.glob(f"pages-{lines}-*.db"):
        old.unlink()  # yesterday's data: "last 30 days" would drift away from today
    print(f"Sembrando {lines:,} líneas en {path} (una vez por día)...", file=sys.stderr)
    engine = make_engine(load_settings({"database_url": f"sqlite:///{path}"}), writer=True)
    report = seed_database(engine, lines=lines, seed=42, today=today, progress=False)
    engine.dispose()
    print(f"  listo en {report.seconds:.0f} s", file=sys.stderr)
    return path


def optimized_copy(path: Path) -> Path:
    """Return a copy of the database after `minimarket-dash optimize` (indexes, summaries)."""
    target = path.with_name(path.stem + "-optimize.db")
    from minimarket_dash.db import make_engine
    from minimarket_dash.optimize import optimize

    if not target.exists():
        shutil.copyfile(path, target)
    # Every run: optimize only adds what is missing, and keeps up with new summary tables.
    settings = load_settings({"database_url": f"sqlite:///{target}"})
    engine = make_engine(settings, writer=True)
    report = optimize(engine, settings.now())  # the app's zone, as `minimarket-dash optimize`
    engine.dispose()
    print(
        f"optimize: {len(report.indexes_created)} índices en {report.seconds:.0f} s",
        file=sys.stderr,
    )
    return target


def browser() -> webdriver.Chrome:
    """Return headless Chromium with the options the browser tests use."""
    options = Options()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1366,900",
        "--lang=es-AR",
        f"--user-data-dir={tempfile.mkdtemp(prefix='mmdash-bench-')}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "es-AR,es"})
    return webdriver.Chrome(options=options)


def time_page(driver, url: str, charts: int, timeout: float = 30) -> float:
    """Load url and return the seconds from navigation start to every chart drawn."""
    driver.get("about:blank")
    driver.get(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        selector = READY_SELECTOR.get(urlparse(url).path)
        ready = driver.execute_script(READY_JS, charts, selector)
        if ready is not None:
            return ready / 1000
        time.sleep(0.01)
    raise RuntimeError(f"{url}: los gráficos no terminaron en {timeout} s")


def measure(base_url: str, today: date, runs: int) -> list[tuple[str, list[float]]]:
    """Return, per page, the load times of `runs` loads in one browser."""
    driver = browser()
    try:
        time_page(driver, base_url + "/404-calentamiento", 0)  # browser cache of the JS
        return [
            (label, [time_page(driver, base_url + path, charts) for _ in range(runs)])
            for label, path, charts in pages(today)
        ]
    finally:
        driver.quit()


def screenshots(base_url: str, today: date, folder: Path) -> list[Path]:
    """Save full-page screenshots of every page at 1366 px and at 390 px (a phone)."""
    folder.mkdir(parents=True, exist_ok=True)
    driver, saved = browser(), []
    try:
        for _label, path, charts in pages(today):
            name = "analytics-filtrado" if "proveedor" in path else (path.strip("/") or "home")
            for width in (1366, 390):
                driver.set_window_size(width, 900)
                time_page(driver, base_url + path, charts)
                for _ in range(2):  # once to grow, once more after the charts resize
                    driver.set_window_size(width, driver.execute_script(FULL_HEIGHT_JS))
                    time.sleep(0.8)
                target = folder / f"{name}-{width}.png"
                driver.save_screenshot(str(target))
                saved.append(target)
    finally:
        driver.quit()
    return saved


def print_table(results: list[tuple[str, list[float]]], title: str) -> None:
    """Print one row per page: first load, median and worst of the other loads."""
    print(f"\n{title}")
    print(f"| página | primera carga (s) | mediana (s) | peor (s) | mediana < {TARGET_SECONDS} s |")
    print("| --- | ---: | ---: | ---: | :---: |")
    for label, times in results:
        rest = times[1:] or times
        median = statistics.median(rest)
        ok = "sí" if median < TARGET_SECONDS else "NO"  # the first load has cold caches
        print(f"| {label} | {times[0]:.2f} | {median:.2f} | {max(rest):.2f} | {ok} |")


def main(argv: list[str] | None = None) -> int:
    """Seed if needed, start gunicorn, measure every page and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-cache", action="store_true", help="DASHBOARD_CACHE_TTL=0")
    parser.add_argument("--no-optimize", action="store_true", help="sin índices ni resúmenes")
    parser.add_argument(
        "--screenshots",
        type=Path,
        default=None,
        help="además guarda capturas de cada página en esta carpeta",
    )
    args = parser.parse_args(argv)
    today = load_settings().now().date()
    database = seeded_database(args.lines, today)
    if not args.no_optimize:
        database = optimized_copy(database)
    env = {"DASHBOARD_DATABASE_URL": f"sqlite:///{database}"}
    if args.no_cache:
        env["DASHBOARD_CACHE_TTL"] = "0"
    server = start_live_server(env, workers=args.workers)
    try:
        wait_for_summaries(server)  # pages as a manager meets them once the store is built
        results = measure(server.url, today, args.runs)
        if args.screenshots:
            for path in screenshots(server.url, today, args.screenshots):
                print(f"captura: {path}", file=sys.stderr)
    finally:
        server.stop()
    cache = "sin caché" if args.no_cache else "caché de resultados 60 s"
    indexes = "sin optimize" if args.no_optimize else "con optimize"
    load = " / ".join(f"{value:.1f}".replace(".", ",") for value in os.getloadavg())
    print_table(
        results,
        f"{args.lines:,} líneas · {indexes} · {args.workers} workers gunicorn · "
        f"{cache} · {args.runs} cargas por página".replace(",", ".")
        + f" · carga de la máquina al terminar: {load} ({os.cpu_count()} CPU)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

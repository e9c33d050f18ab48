"""A first visit with an empty browser cache, and Análisis' provider filter in a warm browser.

    .venv/bin/python -m bench.bench_visit [--lines 1000000] [--runs 5] [--no-optimize]

First visit: a new Chromium profile per run loads Inicio; the time until its charts are drawn
and the bytes it transferred (page, bundles, callbacks: Resource Timing's transferSize).
Interaction: Análisis is loaded once, then the provider filter changes `--runs` times (a
different provider each time, so the server's result cache does not answer); the time from
Enter to every chart redrawn, and the callbacks (POST /_dash-update-component) it caused.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from bench import bench_pages  # noqa: E402
from bench.dataset import ensure_dataset  # noqa: E402
from bench.measure import wait_for_summaries  # noqa: E402
from minimarket_dash.config import load_settings  # noqa: E402
from tests.live import start_live_server  # noqa: E402

FIRST_VISIT_BYTES_TARGET = 1_500_000
# Bytes on the wire (headers included) and decoded body bytes of the page and every resource.
BYTES_JS = """
const entries = [...performance.getEntriesByType('navigation'),
                 ...performance.getEntriesByType('resource')];
return [entries.reduce((sum, e) => sum + e.transferSize, 0),
        entries.reduce((sum, e) => sum + e.decodedBodySize, 0), entries.length];
"""
# Counts Dash callbacks and those still waiting for their answer.
COUNT_CALLBACKS_JS = """
if (window.__mmCallbacks) { window.__mmCallbacks.count = 0; return; }
window.__mmCallbacks = {count: 0, pending: 0};
const original = window.fetch;
window.fetch = function (resource, ...rest) {
  const url = String((resource && resource.url) || resource);
  if (!url.includes('_dash-update-component')) return original.call(this, resource, ...rest);
  window.__mmCallbacks.count += 1;
  window.__mmCallbacks.pending += 1;
  return original.call(this, resource, ...rest)
    .finally(() => { window.__mmCallbacks.pending -= 1; });
};
"""
ANALYTICS_CHARTS = 9
PROVIDERS = ("lacteos", "bebidas", "sur", "norte", "dist", "limpieza", "del", "almacen")


def first_visit(base_url: str) -> dict:
    """Load Inicio in a fresh browser profile: seconds to every chart drawn, bytes moved."""
    driver = bench_pages.browser()
    try:
        seconds = bench_pages.time_page(driver, base_url + "/", 3)
        transferred, decoded, requests = driver.execute_script(BYTES_JS)
    finally:
        driver.quit()
    return {
        "seconds": seconds,
        "transferred": transferred,
        "decoded": decoded,
        "requests": requests,
    }


def wait_redrawn(driver, timeout: float = 30) -> float:
    """Wait until no callback is pending and every chart is drawn; return performance.now()."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = driver.execute_script("return window.__mmCallbacks")
        if state["count"] and not state["pending"]:
            ready = driver.execute_script(bench_pages.READY_JS, ANALYTICS_CHARTS, None)
            if ready is not None:
                return ready
        time.sleep(0.01)
    raise RuntimeError(f"Análisis no terminó de redibujar en {timeout} s")


def provider_changes(base_url: str, runs: int) -> list[tuple[float, int]]:
    """Change Análisis' provider `runs` times: (seconds to every chart redrawn, callbacks)."""
    driver = bench_pages.browser()
    try:
        bench_pages.time_page(driver, base_url + "/analytics", ANALYTICS_CHARTS)
        field = driver.find_element(By.ID, "analytics-proveedor")
        results = []
        for provider in PROVIDERS[:runs]:
            driver.execute_script(COUNT_CALLBACKS_JS)
            field.send_keys(Keys.CONTROL, "a")
            field.send_keys(provider)
            started = driver.execute_script("return performance.now()")
            field.send_keys(Keys.ENTER)
            ready = wait_redrawn(driver)
            time.sleep(0.3)  # late chained callbacks would show in the count
            count = driver.execute_script("return window.__mmCallbacks.count")
            results.append(((ready - started) / 1000, count))
    finally:
        driver.quit()
    return results


def measure(base_url: str, runs: int) -> dict:
    """Return the first visits and the provider changes, with their medians."""
    visits = [first_visit(base_url) for _ in range(runs)]
    changes = provider_changes(base_url, runs)
    return {
        "first_visit": visits,
        "first_visit_seconds_p50": statistics.median(v["seconds"] for v in visits),
        "first_visit_bytes": statistics.median(v["transferred"] for v in visits),
        "provider_change": changes,
        "provider_change_seconds_p50": statistics.median(seconds for seconds, _ in changes),
        "callbacks_per_change": statistics.median(count for _, count in changes),
    }


def print_summary(result: dict) -> None:
    """Print the medians beside their targets."""
    visit = result["first_visit"][0]
    print(
        f"Primera visita a Inicio, caché del navegador vacía: mediana "
        f"{result['first_visit_seconds_p50']:.2f} s (meta ≤ 1,0 s); "
        f"{result['first_visit_bytes'] / 1e6:.2f} MB transferidos (meta ≤ "
        f"{FIRST_VISIT_BYTES_TARGET / 1e6:.1f} MB), {visit['decoded'] / 1e6:.2f} MB sin "
        f"comprimir, {visit['requests']} solicitudes"
    )
    print(
        f"Análisis, cambiar el proveedor hasta todo redibujado: mediana "
        f"{result['provider_change_seconds_p50'] * 1000:.0f} ms (meta ≤ 400 ms), "
        f"{result['callbacks_per_change']:.0f} callbacks por cambio; cada uno: "
        + ", ".join(f"{s * 1000:.0f} ms/{n}" for s, n in result["provider_change"])
    )


def main(argv: list[str] | None = None) -> int:
    """Start gunicorn over the bench database and print both measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-optimize", action="store_true", help="sin índices ni resúmenes")
    args = parser.parse_args(argv)
    today = load_settings().now().date()
    url = ensure_dataset("sqlite", args.lines, today, optimized=not args.no_optimize)
    server = start_live_server({"DASHBOARD_DATABASE_URL": url}, workers=args.workers)
    try:
        # Measured once the store is built (what a manager meets after the first minutes); a
        # page loaded during the first build reads everything live.
        print(f"almacén listo a los {wait_for_summaries(server)} s")
        print_summary(measure(server.url, args.runs))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

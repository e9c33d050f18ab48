"""A point of sale that writes all day to a rollback-journal SQLite file (SQLite's default):
the dashboard, under load, keeps its connections and its result cache (issue 30).

Alternating 15 s phases without and with a writer that adds an order line and a stock movement
every 200 ms (60 s of each): no «el archivo de la base cambió», the cache's hit ratio kept and
the median latency within 20 % of the phases without the writer.
"""

from __future__ import annotations

import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.live import start_live_server
from tests.ops.load import Load

pytestmark = pytest.mark.live

KEY = "writer-key-0123456789abcdef"
HEADERS = {"X-API-Key": KEY}
PATHS = (
    "/api/summary",
    "/api/providers",
    "/api/top-products?limit=10",
    "/api/stock-timeline",
    "/api/low-stock",
)
PHASE_SECONDS = 15
PHASES = 4  # of each kind: 60 s with the writer, 60 s without
WRITE_EVERY_SECONDS = 0.2


@pytest.fixture(scope="module")
def shop_file(tmp_path_factory) -> Path:
    """A demo database of 20.000 order lines in rollback-journal mode, as a POS leaves it."""
    path = tmp_path_factory.mktemp("pos") / "pos.db"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "minimarket_dash.cli",
            "seed",
            "--database-url",
            f"sqlite:///{path}",
            "--lines",
            "20000",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    return path


class Writer:
    """Adds an order line and a stock movement every 200 ms, each sale in one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stop = threading.Event()
        self.writes = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=10)
        order, product = conn.execute(
            "SELECT (SELECT MAX(id) FROM pedidos), (SELECT MAX(id) FROM productos)"
        ).fetchone()
        while not self.stop.wait(WRITE_EVERY_SECONDS):
            with conn:
                conn.execute(
                    "INSERT INTO detalle_pedidos (pedido_id, producto_nombre, cantidad, "
                    "precio_unitario, subtotal) VALUES (?, 'Venta de prueba', 1, 100, 100)",
                    (order,),
                )
                conn.execute(
                    "INSERT INTO movimientos_stock (producto_id, tipo_movimiento, cantidad, "
                    "fecha_movimiento) VALUES (?, 'salida', 1, datetime('now', 'localtime'))",
                    (product,),
                )
            self.writes += 1
        conn.close()

    def __enter__(self) -> Writer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def cache_lookups(url: str) -> dict[str, float]:
    text = requests.get(url + "/metrics", headers=HEADERS, timeout=30).text
    return {
        m.group(1): float(m.group(2))
        for m in re.finditer(
            r'^dashboard_cache_lookups_total\{result="(\w+)"\} (\S+)$', text, re.MULTILINE
        )
    }


def phase(url: str, writing: bool, shop: Path) -> tuple[list[float], float, float, Load, int]:
    """One phase of load: (durations, hits, lookups, load, writes)."""
    before = cache_lookups(url)
    with Load(url, PATHS, HEADERS, threads=4) as load:
        if writing:
            with Writer(shop) as writer:
                time.sleep(PHASE_SECONDS)
            writes = writer.writes
        else:
            time.sleep(PHASE_SECONDS)
            writes = 0
    after = cache_lookups(url)
    hits = after["hit"] - before.get("hit", 0)
    lookups = hits + after["miss"] - before.get("miss", 0)
    return load.durations, hits, lookups, load, writes


def test_a_writing_point_of_sale_keeps_the_cache_and_the_latency(shop_file):
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": f"sqlite:///{shop_file}",
            "DASHBOARD_API_KEY": KEY,
            "DASHBOARD_CACHE_TTL": "600",
            "DASHBOARD_RATELIMIT_ENABLED": "false",
            "DASHBOARD_REFRESH_MINUTES": "0",  # no store build competing for the two cores
        },
        workers=2,
    )
    try:
        with Load(server.url, PATHS, HEADERS, threads=4):
            time.sleep(5)  # warm: every path cached in both workers
        totals = {False: ([], 0.0, 0.0), True: ([], 0.0, 0.0)}
        statuses, writes = {}, 0
        for number in range(2 * PHASES):
            writing = number % 2 == 1
            durations, hits, lookups, load, wrote = phase(server.url, writing, shop_file)
            kept, all_hits, all_lookups = totals[writing]
            totals[writing] = (kept + durations, all_hits + hits, all_lookups + lookups)
            writes += wrote
            for status, count in load.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
            assert load.refused == 0 and not load.other_errors
        log = "".join(p.read_text(errors="replace") for p in server.log_dir.glob("*"))
    finally:
        server.stop()
    without, with_writer = totals[False], totals[True]
    p50 = {writing: statistics.median(totals[writing][0]) * 1000 for writing in totals}
    ratio = {writing: totals[writing][1] / totals[writing][2] for writing in totals}
    print(
        f"\nsin escritor: {len(without[0])} respuestas, p50 {p50[False]:.1f} ms, "
        f"aciertos de caché {ratio[False]:.1%}\n"
        f"con escritor: {len(with_writer[0])} respuestas, p50 {p50[True]:.1f} ms, "
        f"aciertos de caché {ratio[True]:.1%}, {writes} ventas escritas\n"
        f"p50 con / sin escritor: {p50[True] / p50[False]:.2f}"
    )
    assert writes >= PHASES * PHASE_SECONDS / WRITE_EVERY_SECONDS * 0.8
    assert set(statuses) == {200}, statuses
    assert log.count("el archivo de la base cambió") == 0
    assert ratio[True] >= 0.99 and ratio[True] >= ratio[False] - 0.005
    assert p50[True] <= 1.2 * p50[False]
